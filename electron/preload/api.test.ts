import { describe, expect, it, vi } from 'vitest';
import { contract, methodName, type Channel } from '../../core/api/contract';
import { buildApi } from './api';

const validInfo = { name: 'TF Assessor', version: '1.0.0', platform: 'linux', systemLanguage: 'en', host: 'electron' };

describe('buildApi', () => {
  it('has exactly one function per contract channel, named by methodName', () => {
    const api = buildApi(vi.fn());
    const expected = (Object.keys(contract) as Channel[]).map(methodName).sort();
    expect(Object.keys(api).sort()).toEqual(expected);
    for (const fn of Object.values(api)) expect(typeof fn).toBe('function');
    expect(api).not.toHaveProperty('invoke');
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('calls its own channel with the arguments', async () => {
    const invoke = vi.fn(async () => ({ ok: true, value: { language: 'ja' } }));
    const api = buildApi(invoke);
    await expect(api.settingsSet!({ language: 'ja' })).resolves.toEqual({ ok: true, value: { language: 'ja' } });
    expect(invoke).toHaveBeenCalledExactlyOnceWith('tfa:settings:set', { language: 'ja' });
  });

  it('passes well-formed results and error results through', async () => {
    const api = buildApi(async (channel) =>
      channel === 'tfa:app:info' ? { ok: true, value: validInfo } : { ok: false, error: { code: 'disk-full', message: 'The disk is full.' } },
    );
    await expect(api.appInfo!()).resolves.toEqual({ ok: true, value: validInfo });
    await expect(api.settingsGet!()).resolves.toEqual({ ok: false, error: { code: 'disk-full', message: 'The disk is full.' } });
  });

  it.each([
    ['a bare value', validInfo],
    ['undefined', undefined],
    ['a value of the wrong shape', { ok: true, value: { ...validInfo, host: 'web' } }],
    ['an extra property', { ok: true, value: validInfo, path: '/etc/passwd' }],
    ['an unknown error code', { ok: false, error: { code: 'teapot', message: 'x' } }],
    ['ok as a string', { ok: 'true', value: validInfo }],
  ])('turns a malformed result from main (%s) into an internal error result', async (_name, raw) => {
    const api = buildApi(async () => raw);
    const result = await api.appInfo!();
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('turns a rejected invoke into an error result instead of throwing', async () => {
    const api = buildApi(async () => {
      throw new Error("No handler registered for 'tfa:packs:list'");
    });
    await expect(api.packsList!()).resolves.toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});
