import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleInit } from '../assessment/test-fixtures';
import { bundleChild } from './__crash__/bundle';
import { evidenceBlobPath, hashFile, sanitizeDisplayName } from './evidence';
import { createWorkspace, openWorkspace, type Workspace } from './workspace';

let root: string;
let n = 0;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tfa-evidence-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function workspace(): Promise<{ dir: string; ws: Workspace }> {
  const dir = join(root, `case-${++n}`, 'ws');
  await createWorkspace(dir, sampleInit(), { actor: 'setup' });
  return { dir, ws: await openWorkspace(dir, { actor: 'Sato Hanako', snapshotDelayMs: 10 }) };
}

function file(name: string, content: string | Buffer): string {
  const dir = join(root, `src-${++n}`);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

describe('evidence', () => {
  it('stores a file under its SHA-256, read-only, with a metadata file, and records the capture in the journal', async () => {
    const { dir, ws } = await workspace();
    const content = Buffer.from('本人確認手順書 v3\n');
    const r = await ws.addEvidence(file('手順書.pdf', content), { criteria: ['IAL2-1'], description: 'signed procedure' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.hash).toBe(sha256(content));
    expect(r.value.deduplicated).toBe(false);
    const blob = join(dir, 'evidence', r.value.hash);
    expect(readFileSync(blob)).toEqual(content);
    expect(statSync(blob).mode & 0o777).toBe(0o444);
    expect(ws.assessment.evidence[r.value.hash]).toMatchObject({ name: '手順書.pdf', mediaType: 'application/pdf', size: content.length, capturedBy: 'Sato Hanako', description: 'signed procedure' });
    expect(ws.assessment.criteria['IAL2-1']?.evidence).toEqual([r.value.hash]);
    expect((await ws.flush()).ok).toBe(true);
    expect(JSON.parse(readFileSync(`${blob}.json`, 'utf8'))).toMatchObject({ sha256: r.value.hash, name: '手順書.pdf', size: content.length, linkedCriteria: ['IAL2-1'] });
    const journal = await ws.readJournal();
    expect(journal.at(-1)?.change).toMatchObject({ op: 'evidence.add', hash: r.value.hash, criteria: ['IAL2-1'] });
    await ws.close();
  });

  it('stores the same bytes once: a second capture adds only a capture record and links', async () => {
    const { dir, ws } = await workspace();
    const a = await ws.addEvidence(file('a.png', 'same bytes'), { criteria: ['IAL2-1'] });
    const b = await ws.addEvidence(file('b.png', 'same bytes'), { criteria: ['AAL2-1'] });
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(b.value.hash).toBe(a.value.hash);
    expect(b.value.deduplicated).toBe(true);
    expect(readdirSync(join(dir, 'evidence')).filter((x) => /^[0-9a-f]{64}$/.test(x))).toEqual([a.value.hash]);
    expect(ws.assessment.evidence[a.value.hash]?.name).toBe('a.png');
    expect(ws.assessment.evidence[a.value.hash]?.recaptures?.map((c) => c.name)).toEqual(['b.png']);
    expect(ws.assessment.criteria['AAL2-1']?.evidence).toEqual([a.value.hash]);
    await ws.close();
  });

  it('verify re-hashes: it catches a blob altered behind our back, and a missing one', async () => {
    const { dir, ws } = await workspace();
    const r = await ws.addEvidence(file('log.txt', 'original'));
    if (!r.ok) throw r.error;
    const check = await ws.verifyEvidence(r.value.hash);
    expect(check).toEqual({ ok: true, value: { hash: r.value.hash, ok: true, missing: false, actual: r.value.hash, size: 8 } });
    const blob = join(dir, 'evidence', r.value.hash);
    chmodSync(blob, 0o644);
    writeFileSync(blob, 'tampered');
    const bad = await ws.verifyEvidence(r.value.hash);
    expect(bad.ok && bad.value.ok).toBe(false);
    expect(bad.ok && bad.value.actual).toBe(sha256('tampered'));
    rmSync(blob);
    const gone = await ws.verifyEvidence(r.value.hash);
    expect(gone.ok && gone.value.missing).toBe(true);
    await ws.close();
  });

  it('unlinking keeps the evidence and leaves the audit trail of link and unlink', async () => {
    const { ws } = await workspace();
    const r = await ws.addEvidence(file('p.pdf', 'policy'), { criteria: ['ORG-1'] });
    if (!r.ok) throw r.error;
    expect((await ws.apply({ op: 'evidence.unlink', hash: r.value.hash, criterion: 'ORG-1' })).ok).toBe(true);
    expect(ws.assessment.criteria['ORG-1']).toBeUndefined();
    expect(ws.assessment.evidence[r.value.hash]).toBeDefined();
    const trail = (await ws.readJournal()).slice(-2);
    expect(trail.map((e) => e.change.op)).toEqual(['evidence.add', 'evidence.unlink']);
    expect(trail[1]).toMatchObject({ actor: 'Sato Hanako', old: [r.value.hash], new: [] });
    await ws.close();
  });

  it('keeps hostile original names as sanitized display text only; nothing lands outside evidence/', async () => {
    const { dir, ws } = await workspace();
    const parent = join(dir, '..');
    const before = readdirSync(parent).sort();
    const hostile = [
      '../x',
      '../../../../tmp/pwned',
      '/etc/passwd',
      'C:\\x',
      '\\\\server\\share',
      'CON',
      'NUL.txt',
      'COM1',
      'a'.repeat(10_000),
      'nul\u0000byte.pdf',
      'ctrl\u0001\u001b[31m.txt',
      'invoice\u202Efdp.exe',
    ];
    const hashes = new Set<string>();
    for (const [i, name] of hostile.entries()) {
      const r = await ws.addEvidence(file(`plain-${i}.bin`, `content ${i}`), { name });
      if (!r.ok) throw r.error;
      expect(r.value.item.name).toBe(sanitizeDisplayName(name));
      expect(r.value.item.name).not.toMatch(/[/\\\u0000-\u001f\u202e]/);
      hashes.add(r.value.hash);
    }
    // A real file whose own name carries control and bidi characters (legal on Linux).
    const odd = await ws.addEvidence(file('re\u202Eport\u0007.pdf', 'odd name'));
    if (!odd.ok) throw odd.error;
    expect(odd.value.item.name).toBe('report .pdf');
    hashes.add(odd.value.hash);
    await ws.flush();
    expect(readdirSync(parent).sort()).toEqual(before);
    const stored = readdirSync(join(dir, 'evidence')).sort();
    expect(stored).toEqual([...hashes].flatMap((h) => [h, `${h}.json`]).sort());
    expect(() => evidenceBlobPath(dir, '../x')).toThrow(/SHA-256/);
    expect(() => ws.evidencePath('../../etc/passwd')).toThrow(/SHA-256/);
    await ws.close();
  });

  it('refuses what is not a regular file without hanging, and checks links before copying', async () => {
    const { dir, ws } = await workspace();
    const folder = join(root, `folder-${++n}`);
    mkdirSync(folder);
    const notFile = await ws.addEvidence(folder);
    expect(!notFile.ok && notFile.error.code).toBe('invalid-input');
    if (spawnSync('mkfifo', ['--help']).status === 0) {
      const fifo = join(root, `fifo-${++n}`);
      execFileSync('mkfifo', [fifo]);
      const r = await ws.addEvidence(fifo);
      expect(!r.ok && r.error.message).toMatch(/is not a regular file/);
    }
    const missing = await ws.addEvidence(join(root, 'no-such-file.pdf'));
    expect(!missing.ok && missing.error.code).toBe('not-found');
    const badLink = await ws.addEvidence(file('x.pdf', 'x'), { criteria: ['not/an id'] });
    expect(!badLink.ok && badLink.error.code).toBe('invalid-input');
    expect(readdirSync(join(dir, 'evidence'))).toEqual([]);
    await ws.close();
  });

  it('hashes in streaming: a 256 MiB file costs far less memory than its size', { timeout: 60_000 }, async () => {
    const child = await bundleChild(root);
    const { dir, ws } = await workspace();
    await ws.close();
    const big = join(root, 'big.bin');
    const fd = openSync(big, 'w');
    const chunk = randomBytes(8 * 1024 * 1024);
    const hash = createHash('sha256');
    for (let i = 0; i < 32; i++) {
      chunk[0] = i;
      writeSync(fd, chunk);
      hash.update(chunk);
    }
    closeSync(fd);
    const out = execFileSync(process.execPath, [child, 'add-evidence', dir, big], { encoding: 'utf8' });
    const [, digest, peak] = out.trim().split(' ');
    expect(digest).toBe(hash.digest('hex'));
    expect((await hashFile(join(dir, 'evidence', digest!))).size).toBe(256 * 1024 * 1024);
    // Peak RSS of the whole process, Node itself included (~50 MB): a 256 MiB buffer would show.
    expect(Number(peak)).toBeLessThan(130 * 1024 * 1024);
    rmSync(big);
  });
});
