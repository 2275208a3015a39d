import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { decideWindowOpen, hardenWebContents, isNavigationAllowed } from './navigation';

// navigation.ts imports the allowlist from external.ts, which imports shell.
vi.mock('electron', () => ({ shell: { openExternal: vi.fn() } }));

class FakeContents extends EventEmitter {
  windowOpenHandler?: (details: { url: string }) => { action: string };
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
}

function navEvent(url: string) {
  return { url, preventDefault: vi.fn() };
}

function harden() {
  const contents = new FakeContents();
  const openExternal = vi.fn(async () => true);
  hardenWebContents(contents as never, openExternal);
  return { contents, openExternal };
}

describe('navigation guard', () => {
  it('allows navigation only within the app origin', () => {
    expect(isNavigationAllowed('app://tf-assessor/assessments/1')).toBe(true);
    expect(isNavigationAllowed('https://example.com/')).toBe(false);
    expect(isNavigationAllowed('app://tf-assessor.example.com/')).toBe(false);
    expect(isNavigationAllowed('file:///etc/passwd')).toBe(false);
    expect(isNavigationAllowed('about:blank')).toBe(false);
  });

  it.each(['will-navigate', 'will-frame-navigate', 'will-redirect'])('%s: cancels leaving the app, lets in-app moves through', (name) => {
    const { contents } = harden();
    const outside = navEvent('https://attacker.example/phish');
    contents.emit(name, outside, outside.url);
    expect(outside.preventDefault).toHaveBeenCalledOnce();

    const file = navEvent('file:///home/user/.ssh/id_rsa');
    contents.emit(name, file, file.url);
    expect(file.preventDefault).toHaveBeenCalledOnce();

    const inside = navEvent('app://tf-assessor/settings');
    contents.emit(name, inside, inside.url);
    expect(inside.preventDefault).not.toHaveBeenCalled();
  });

  it('uses the legacy url argument when the event carries none', () => {
    const { contents } = harden();
    const ev = { preventDefault: vi.fn() };
    contents.emit('will-navigate', ev, 'https://attacker.example/');
    expect(ev.preventDefault).toHaveBeenCalledOnce();
    const blank = { preventDefault: vi.fn() };
    contents.emit('will-navigate', blank);
    expect(blank.preventDefault).toHaveBeenCalledOnce();
  });

  it('hands a clicked allowlisted link to the browser instead of navigating', () => {
    const { contents, openExternal } = harden();
    const ev = navEvent('https://pages.nist.gov/800-63-4/sp800-63a.html');
    contents.emit('will-navigate', ev, ev.url);
    expect(ev.preventDefault).toHaveBeenCalledOnce();
    expect(openExternal).toHaveBeenCalledWith('https://pages.nist.gov/800-63-4/sp800-63a.html');
  });

  it('never hands a non-allowlisted link to the browser', () => {
    const { contents, openExternal } = harden();
    for (const url of ['https://attacker.example/', 'http://pages.nist.gov/', 'file:///bin/sh', 'smb://host/share']) {
      contents.emit('will-navigate', navEvent(url), url);
    }
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('cancels every <webview> attachment', () => {
    const { contents } = harden();
    const ev = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', ev, {}, { src: 'app://tf-assessor/' });
    expect(ev.preventDefault).toHaveBeenCalledOnce();
  });

  it('denies every new window, routing only allowlisted links to the browser', () => {
    const { contents, openExternal } = harden();
    const handler = contents.windowOpenHandler!;
    expect(handler({ url: 'app://tf-assessor/index.html' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'https://attacker.example/' })).toEqual({ action: 'deny' });
    expect(openExternal).not.toHaveBeenCalled();
    expect(handler({ url: 'https://pages.nist.gov/800-63-4/' })).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledExactlyOnceWith('https://pages.nist.gov/800-63-4/');
  });

  it('a failing browser launch does not escape as an unhandled rejection', async () => {
    const openExternal = vi.fn(async () => {
      throw new Error('no browser');
    });
    expect(decideWindowOpen({ url: 'https://pages.nist.gov/' }, openExternal)).toEqual({ action: 'deny' });
    await Promise.resolve();
    expect(openExternal).toHaveBeenCalledOnce();
  });
});
