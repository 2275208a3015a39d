/**
 * Pack load + validate time for the largest built-in pack (by bytes of YAML) that validates:
 * from disk through the real adapter, and from files already in memory (parse + schema +
 * cross-checks + hash, without I/O).
 */
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadPack, type PackFile } from '../core/criteria/load';
import { readPackDir } from '../core/node/packs';
import { packCacheDir } from '../core/node/pack-cache';
import { row, timeAsync, type BenchSection } from './harness';

/** criteria/ next to dist/ (the bundle) or the repository root (cwd). */
async function criteriaRoot(): Promise<string | null> {
  for (const candidate of [path.resolve(__dirname, '..', 'criteria'), path.resolve(process.cwd(), 'criteria')]) {
    try {
      if ((await stat(candidate)).isDirectory()) return candidate;
    } catch {
      // try the next place
    }
  }
  return null;
}

async function yamlFiles(dir: string, rel = ''): Promise<PackFile[]> {
  const out: PackFile[] = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await yamlFiles(dir, p)));
    else if (/\.ya?ml$/.test(e.name)) out.push({ path: p, text: await readFile(path.join(dir, p)) });
  }
  return out;
}

export const packLoadBench: BenchSection = {
  name: 'packs',
  async run(print) {
    print('pack load + validate');
    const root = await criteriaRoot();
    if (!root) {
      print('  skipped: no criteria/ folder found');
      return;
    }
    const candidates: { dir: string; files: PackFile[]; bytes: number }[] = [];
    for (const id of await readdir(root, { withFileTypes: true })) {
      if (!id.isDirectory()) continue;
      for (const version of await readdir(path.join(root, id.name), { withFileTypes: true })) {
        const dir = path.join(root, id.name, version.name);
        if (!version.isDirectory()) continue;
        const files = await yamlFiles(dir);
        if (!files.some((f) => f.path === 'pack.yaml')) continue;
        candidates.push({ dir, files, bytes: files.reduce((n, f) => n + (f.text as Uint8Array).byteLength, 0) });
      }
    }
    candidates.sort((a, b) => b.bytes - a.bytes || (a.dir < b.dir ? -1 : 1));
    // The largest pack that validates: a pack being edited may be invalid for a while.
    let chosen: (typeof candidates)[number] | undefined;
    let first: Awaited<ReturnType<typeof loadPack>> | undefined;
    for (const c of candidates) {
      const r = await loadPack(c.files);
      if (r.ok) {
        chosen = c;
        first = r;
        break;
      }
      print(`  note: ${path.relative(root, c.dir)} (${(c.bytes / 1024).toFixed(0)} KiB) does not validate (${r.problems.length} problems), skipped`);
    }
    if (!chosen || !first || !first.ok) {
      print('  skipped: no built-in pack validates');
      return;
    }
    const { dir, files, bytes } = chosen;
    print(`  ${first.pack.id}@${first.pack.version}: ${first.pack.criteria.length} criteria, ${files.length} files, ${(bytes / 1024).toFixed(0)} KiB of YAML`);
    // The disk adapter the app and CLI use (path containment, previous version for the mapping).
    const fromDisk = await timeAsync(() => readPackDir(dir), { runs: 30, warmup: 5 });
    print(row('load + validate from disk (readPackDir)', fromDisk));
    const inMemory = await timeAsync(() => loadPack(files), { runs: 30, warmup: 5 });
    print(row('validate, files already in memory', inMemory));
    // What the app does on every later start: the parsed pack from its cache, after hashing
    // every file of the pack id (core/node/pack-cache.ts).
    const cacheDir = await mkdtemp(path.join(tmpdir(), 'tfa-bench-pack-cache-'));
    try {
      const cache = packCacheDir(cacheDir, 'bench');
      const roots = [{ dir: root, origin: 'builtin' as const }];
      await readPackDir(dir, { roots, cache });
      const cached = await timeAsync(() => readPackDir(dir, { roots, cache }), { runs: 30, warmup: 5 });
      print(row('load from the pack cache (later starts)', cached));
      print(`  pack cache: ${(fromDisk.median / cached.median).toFixed(1)}× faster than parsing (median)`);
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  },
};
