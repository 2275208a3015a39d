import { describe, expect, it } from 'vitest';
import { isTrustedSender, type SenderFrame } from './sender';

const top = (url: string): SenderFrame => ({ url, parent: null });
const child = (url: string): SenderFrame => ({ url, parent: top('app://tf-assessor/index.html') });

describe('isTrustedSender', () => {
  it('accepts the top frame of the app origin', () => {
    expect(isTrustedSender({ senderFrame: top('app://tf-assessor/index.html') })).toBe(true);
    expect(isTrustedSender({ senderFrame: top('app://tf-assessor/assessments/7?tab=x') })).toBe(true);
  });

  it('refuses a sub-frame, even one of the app origin', () => {
    expect(isTrustedSender({ senderFrame: child('app://tf-assessor/index.html') })).toBe(false);
  });

  it('refuses a missing (destroyed or navigated) frame', () => {
    expect(isTrustedSender({ senderFrame: null })).toBe(false);
    const throwing = {
      get senderFrame(): SenderFrame {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
    };
    expect(isTrustedSender(throwing)).toBe(false);
  });

  it.each([
    'about:blank',
    'about:srcdoc',
    'file:///opt/TF Assessor/resources/app.asar/out/renderer/index.html',
    'data:text/html,hi',
    'chrome-error://chromewebdata/',
    'devtools://devtools/bundled/inspector.html',
    'http://127.0.0.1:5173/',
    'https://tf-assessor/',
    'app://tf-assessor.attacker.example/',
    'app://tf-assessor-x/',
    'app://tf-assessor:1/',
    'app://x@tf-assessor/',
    'app://TF-Assessor/',
    '',
  ])('refuses a top frame at %s', (url) => {
    expect(isTrustedSender({ senderFrame: top(url) })).toBe(false);
  });

  it('refuses a frame whose url is not a string', () => {
    expect(isTrustedSender({ senderFrame: { url: undefined as unknown as string, parent: null } })).toBe(false);
  });
});
