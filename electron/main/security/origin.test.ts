import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, APP_ORIGIN, isAppUrl, originOf } from './origin';

describe('originOf / isAppUrl', () => {
  it('the app origin is app://tf-assessor', () => {
    expect(APP_ORIGIN).toBe('app://tf-assessor');
    expect(isAppUrl(APP_ENTRY_URL)).toBe(true);
  });

  it('computes the app origin even though WHATWG URL calls it "null"', () => {
    expect(new URL('app://tf-assessor/x').origin).toBe('null');
    expect(originOf('app://tf-assessor/assets/x.js?v=1#h')).toBe('app://tf-assessor');
  });

  it.each([
    'app://tf-assessor/',
    'app://tf-assessor/index.html',
    'app://tf-assessor/assessments/42',
  ])('accepts %s', (url) => expect(isAppUrl(url)).toBe(true));

  it.each([
    ['about:blank'],
    ['about:srcdoc'],
    ['file:///app/out/renderer/index.html'],
    ['data:text/html,<script>1</script>'],
    ['blob:app://tf-assessor/0b0e'],
    ['javascript:alert(1)'],
    ['http://tf-assessor/'],
    ['https://tf-assessor/'],
    ['app://tf-assessor.evil.com/'],
    ['app://evil.tf-assessor/'],
    ['app://tf-assessor-evil/'],
    ['app://tf-assessor:8080/'],
    ['app://user@tf-assessor/'],
    ['app://tf-assessor@evil/'],
    ['app:tf-assessor/index.html'],
    ['app:///index.html'],
    ['App://TF-ASSESSOR/'],
    ['not a url'],
    [''],
  ])('refuses %s', (url) => expect(isAppUrl(url)).toBe(false));

  it('gives null, never "null", for opaque origins', () => {
    expect(originOf('about:blank')).toBeNull();
    expect(originOf('file:///etc/passwd')).toBeNull();
    expect(originOf('https://pages.nist.gov/x')).toBe('https://pages.nist.gov');
  });
});
