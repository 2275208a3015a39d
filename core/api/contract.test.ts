import { describe, expect, it } from 'vitest';
import { z } from 'zod';
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

  it('no channel takes or returns anything named like a filesystem path (handles only)', () => {
    const keys = new Set<string>();
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === 'properties' && v && typeof v === 'object') for (const name of Object.keys(v)) keys.add(name);
          walk(v);
        }
      }
    };
    for (const spec of Object.values(contract)) {
      walk(z.toJSONSchema(spec.args, { unrepresentable: 'any', io: 'input' }));
      walk(z.toJSONSchema(spec.result, { unrepresentable: 'any' }));
    }
    expect(keys.size).toBeGreaterThan(50);
    // `fileName` (ReviewSummary) is the received package's sanitized display name, never a path.
    const displayNames = new Set(['fileName']);
    expect([...keys].filter((k) => /path|dir|filename|location/i.test(k) && !displayNames.has(k))).toEqual([]);
  });

  it('assessment channels name their assessment by a handle and reject anything path-like', () => {
    const open = contract['tfa:assessments:open'].args;
    expect(open.safeParse({ handle: 'Zm9vYmFyYmF6cXV4MTIzNDU2' }).success).toBe(true);
    for (const handle of ['../x', '/etc/passwd', 'C:\\x', '', 'a'.repeat(65)]) expect(open.safeParse({ handle }).success).toBe(false);
    expect(contract['tfa:evidence:add'].args.safeParse({ handle: 'h', source: 's', path: '/etc/passwd' }).success).toBe(false);
  });
});
