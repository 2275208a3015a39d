import { describe, expect, it } from 'vitest';
import { ZipBudget } from '../interchange/zip-preflight';
import { DEFAULT_PACKAGE_LIMITS, packageLimits } from './limits';

const MiB = 1024 * 1024;

describe('ZipBudget with package limits', () => {
  const limits = packageLimits({ maxEntryBytes: 10 * MiB, maxTotalBytes: 15 * MiB });

  it('passes a large stored file and counts every entry into the total', () => {
    const b = new ZipBudget(limits);
    b.beginEntry({ label: '"a"', declaredSize: 8 * MiB });
    for (let i = 0; i < 8; i++) expect(b.add(MiB, (i + 1) * MiB)).toBeNull();
    b.beginEntry({ label: '"b"', declaredSize: 8 * MiB });
    let over = null;
    for (let i = 0; i < 8 && !over; i++) over = b.add(MiB, (i + 1) * MiB);
    expect(over).toMatchObject({ kind: 'total', message: expect.stringMatching(/inflates to more than 15 MiB/) });
  });

  it('stops an entry at the size its header declares, whatever the other limits', () => {
    const b = new ZipBudget(limits);
    b.beginEntry({ label: '"bomb"', declaredSize: 1000 });
    expect(b.add(1000, 10)).toBeNull();
    expect(b.add(1, 10)).toMatchObject({ kind: 'declared', message: expect.stringMatching(/"bomb" inflates to more than the 1000 bytes its header declares/) });
  });

  it('stops an entry over the per-entry limit even when its header declares more', () => {
    const b = new ZipBudget(limits);
    b.beginEntry({ label: '"big"', declaredSize: 12 * MiB });
    expect(b.remaining()).toBe(10 * MiB);
    expect(b.add(10 * MiB + 1, 10 * MiB + 1)).toMatchObject({ kind: 'entry' });
  });

  it('judges the ratio against the compressed bytes consumed so far, after the first MiB', () => {
    const b = new ZipBudget(DEFAULT_PACKAGE_LIMITS);
    b.beginEntry({ label: '"zeros"', declaredSize: 100 * MiB });
    // A tiny file may compress 1000:1 (the first MiB is free)...
    expect(b.add(MiB, 1024)).toBeNull();
    // ...a large one may not: 200:1 is the limit.
    expect(b.add(MiB, 1024)).toMatchObject({ kind: 'ratio', inflated: 2 * MiB, compressed: 1024 });
    const ok = new ZipBudget(DEFAULT_PACKAGE_LIMITS);
    ok.beginEntry({ declaredSize: 100 * MiB });
    expect(ok.add(50 * MiB, MiB)).toBeNull(); // 50:1, text-like
  });

  it('refuses limits that would switch themselves off', () => {
    expect(() => packageLimits({ maxRatio: Number.NaN })).toThrow(/maxRatio/);
    expect(() => packageLimits({ maxEntries: -1 })).toThrow(/maxEntries/);
  });
});
