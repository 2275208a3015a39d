import { afterEach, describe, expect, it, vi } from 'vitest';
import { TOKEN_HEADER } from './bridge';
import { takeTokenFromLocation } from './token';
import { canUploadFiles, uploadEvidenceFile } from './upload';

afterEach(() => {
  delete window.api;
});

function withToken(): void {
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL('http://127.0.0.1:4567/#token=tok-1');
  takeTokenFromLocation();
}

describe('uploadEvidenceFile', () => {
  it('PUTs the file itself to /upload with the token and returns the evidence source', async () => {
    withToken();
    const fetch = vi.fn(async () => new Response(JSON.stringify({ ok: true, value: { source: 'src-1', name: '報告書.pdf', size: 3 } }), { status: 200 }));
    const file = new File(['abc'], '報告書.pdf', { type: 'application/pdf' });
    expect(canUploadFiles()).toBe(true);
    expect(await uploadEvidenceFile('h1', file, fetch)).toEqual({ ok: true, value: { source: 'src-1', name: '報告書.pdf', size: 3 } });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe(`/upload?assessment=h1&name=${encodeURIComponent('報告書.pdf')}`);
    expect(init.method).toBe('PUT');
    expect(init.body).toBe(file);
    expect(new Headers(init.headers).get(TOKEN_HEADER)).toBe('tok-1');
    expect(new Headers(init.headers).get('Content-Type')).toBe('application/octet-stream');
  });

  it('passes the bridge’s refusal through, and never rejects', async () => {
    withToken();
    const refused = vi.fn(async () => new Response(JSON.stringify({ ok: false, error: { code: 'bad-request', message: 'Too large.' } }), { status: 413 }));
    expect(await uploadEvidenceFile('h1', new File(['x'], 'x'), refused)).toEqual({ ok: false, error: { code: 'bad-request', message: 'Too large.' } });
    const down = vi.fn(async () => Promise.reject(new TypeError('Failed to fetch')));
    expect(await uploadEvidenceFile('h1', new File(['x'], 'x'), down)).toMatchObject({ ok: false, error: { code: 'io' } });
    const garbage = vi.fn(async () => new Response('<html>', { status: 502 }));
    expect(await uploadEvidenceFile('h1', new File(['x'], 'x'), garbage)).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('does not upload in the desktop app', async () => {
    window.api = {} as never;
    const fetch = vi.fn();
    expect(canUploadFiles()).toBe(false);
    expect(await uploadEvidenceFile('h1', new File(['x'], 'x'), fetch)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(fetch).not.toHaveBeenCalled();
  });
});
