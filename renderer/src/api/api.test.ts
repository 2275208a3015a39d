import { afterEach, describe, expect, it, vi } from 'vitest';
import { contract, methodName, type Channel } from '../../../core/api/contract';
import { createBridgeClient, TOKEN_HEADER } from './bridge';
import { takeTokenFromLocation } from './token';
import { api } from '.';
import { installMockApi, INFO_JA } from '../testing/mockApi';

afterEach(() => {
  delete window.api;
});

/** happy-dom's test hook for the page address (not part of the DOM typings). */
function happyDom(): { setURL(url: string): void } {
  return (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM;
}

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

describe('bridge client', () => {
  it('has one method per contract channel', () => {
    const client = createBridgeClient({ token: () => 't' });
    expect(Object.keys(client).sort()).toEqual((Object.keys(contract) as Channel[]).map(methodName).sort());
  });

  it('POSTs {args} to /api/<channel> with the token header', async () => {
    const fetch = vi.fn(async () => jsonResponse({ ok: true, value: { language: 'en' } }));
    const client = createBridgeClient({ token: () => 'secret-token', fetch });
    const result = await client.settingsSet({ language: 'en' });
    expect(result).toEqual({ ok: true, value: { language: 'en' } });
    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/tfa:settings:set');
    expect(init.method).toBe('POST');
    expect(new Headers(init.headers).get(TOKEN_HEADER)).toBe('secret-token');
    expect(new Headers(init.headers).get('Content-Type')).toBe('application/json');
    expect(JSON.parse(String(init.body))).toEqual({ args: { language: 'en' } });
  });

  it('passes the bridge’s refusals through as errors', async () => {
    const fetch = vi.fn(async () => jsonResponse({ ok: false, error: { code: 'forbidden', message: 'Wrong token.' } }, 403));
    const client = createBridgeClient({ token: () => 'x', fetch });
    expect(await client.appInfo()).toEqual({ ok: false, error: { code: 'forbidden', message: 'Wrong token.' } });
  });

  it('rejects a response that does not match the contract', async () => {
    const fetch = vi.fn(async () => jsonResponse({ ok: true, value: { language: 'klingon' } }));
    const client = createBridgeClient({ token: () => 'x', fetch });
    const result = await client.settingsGet();
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('reports an unreadable response and an unreachable bridge as errors', async () => {
    const garbage = createBridgeClient({ token: () => 'x', fetch: vi.fn(async () => new Response('<html>', { status: 502 })) });
    expect(await garbage.packsList()).toMatchObject({ ok: false, error: { code: 'internal' } });
    const down = createBridgeClient({ token: () => 'x', fetch: vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))) });
    expect(await down.packsList()).toMatchObject({ ok: false, error: { code: 'io' } });
  });

  it('sends nothing without a token and says how to get one', async () => {
    const fetch = vi.fn();
    const client = createBridgeClient({ token: () => null, fetch });
    const result = await client.appInfo();
    expect(fetch).not.toHaveBeenCalled();
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('npm run preview') } });
  });
});

describe('token from the address', () => {
  it('takes #token=… and removes it from the address bar', () => {
    happyDom().setURL('http://127.0.0.1:4567/?x=1#token=abc-DEF_123');
    expect(takeTokenFromLocation()).toBe('abc-DEF_123');
    expect(window.location.href).toBe('http://127.0.0.1:4567/?x=1');
  });

  it('keeps other fragment parameters', () => {
    happyDom().setURL('http://127.0.0.1:4567/#token=t1&view=packs');
    expect(takeTokenFromLocation()).toBe('t1');
    expect(window.location.hash).toBe('#view=packs');
  });
});

describe('api', () => {
  it('uses window.api when the preload provides it', async () => {
    const mock = installMockApi();
    expect(await api.appInfo()).toEqual({ ok: true, value: INFO_JA });
    expect(mock.appInfo).toHaveBeenCalledTimes(1);
  });

  it('never rejects, even when window.api throws or lacks a method', async () => {
    const mock = installMockApi();
    mock.packsList.mockImplementationOnce(() => {
      throw new Error('boom');
    });
    expect(await api.packsList()).toEqual({ ok: false, error: { code: 'internal', message: 'boom' } });
    window.api = {} as never;
    expect(await api.settingsGet()).toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});
