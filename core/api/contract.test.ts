import { describe, expect, it } from 'vitest';
import { contract, methodName, type Channel } from './contract';

describe('API contract', () => {
  it('names every channel tfa:<domain>:<verb> with single-word domains', () => {
    for (const ch of Object.keys(contract)) expect(ch).toMatch(/^tfa:[a-z]+:[a-z][A-Za-z]*$/);
  });
  it('derives distinct method names for window.api', () => {
    const names = (Object.keys(contract) as Channel[]).map(methodName);
    expect(new Set(names).size).toBe(names.length);
    expect(methodName('tfa:packs:list')).toBe('packsList');
    expect(methodName('tfa:assessments:listRecent')).toBe('assessmentsListRecent');
  });
});
