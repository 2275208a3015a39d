/**
 * Packages the app folder with the real electron-builder and our electron-builder.yml, then
 * opens the resulting app.asar: the app must contain its built code and data, and nothing
 * else (no sources, tests, maps or development tooling).
 *
 * The Electron runtime cannot be downloaded here, so `electronDist` points at a stand-in
 * "binary" that carries only Electron's fuse wire (sentinel + version + the runtime's
 * default fuse states). electron-builder's fuse step therefore runs for real on it, and the
 * test reads back the fuses the packaged binary would start with.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractFile, listPackage } from '@electron/asar';
import { getCurrentFuseWire, FuseV1Options } from '@electron/fuses';
import { PROJECT_ROOT } from './support/paths';
import { ensureRendererBuilt } from './support/renderer-build';

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
// Electron's own defaults, in FuseV1Options order: RunAsNode on, cookie encryption off,
// NODE_OPTIONS on, --inspect on, asar integrity off, only-asar off, V8 snapshot off,
// file:// privileges on. Each one the yml sets must come out flipped.
const ELECTRON_DEFAULT_WIRE = '10110001';
const ON = '1'.charCodeAt(0);
const OFF = '0'.charCodeAt(0);

let tmp: string;
let appOutDir: string;
let entries: string[];

function fakeElectronBinary(): Buffer {
  const wire = Buffer.from(ELECTRON_DEFAULT_WIRE, 'ascii');
  return Buffer.concat([Buffer.from('stand-in for the Electron runtime\n'), Buffer.from(SENTINEL), Buffer.from([1, wire.length]), wire]);
}

function filesUnder(dir: string, prefix: string): string[] {
  const out: string[] = [];
  for (const ent of readdirSync(dir, { withFileTypes: true })) {
    if (ent.name.startsWith('.')) continue;
    const rel = `${prefix}/${ent.name}`;
    if (ent.isDirectory()) out.push(...filesUnder(path.join(dir, ent.name), rel));
    else out.push(rel);
  }
  return out;
}

beforeAll(async () => {
  // `npm test` builds first; a lone run of this file builds what is missing.
  if (!existsSync(path.join(PROJECT_ROOT, 'out/main/index.cjs')) || !existsSync(path.join(PROJECT_ROOT, 'out/preload/index.cjs'))) {
    const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`node scripts/build.mjs failed:\n${build.stderr}`);
  }
  await ensureRendererBuilt();

  tmp = await mkdtemp(path.join(tmpdir(), 'tfa-package-'));
  const electronDist = path.join(tmp, 'electron-dist');
  const output = path.join(tmp, 'release');
  await mkdir(electronDist);
  await writeFile(path.join(electronDist, 'electron'), fakeElectronBinary(), { mode: 0o755 });

  const cli = path.join(PROJECT_ROOT, 'node_modules', 'electron-builder', 'cli.js');
  const r = spawnSync(
    process.execPath,
    [cli, '--dir', '--linux', '--publish', 'never', `-c.electronDist=${electronDist}`, `-c.directories.output=${output}`],
    { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 180_000 },
  );
  if (r.status !== 0) throw new Error(`electron-builder --dir failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  appOutDir = path.join(output, 'linux-unpacked');
  entries = listPackage(path.join(appOutDir, 'resources', 'app.asar'), { isPack: false }).map((e) => e.split(path.sep).join('/'));
}, 240_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('packaged app (electron-builder --dir)', () => {
  it('packs the app into app.asar, not a loose folder', () => {
    expect(existsSync(path.join(appOutDir, 'resources', 'app.asar'))).toBe(true);
    expect(existsSync(path.join(appOutDir, 'resources', 'app'))).toBe(false);
  });

  it('contains the built main, preload and renderer, and package.json pointing at main', () => {
    for (const f of ['/out/main/index.cjs', '/out/preload/index.cjs', '/out/renderer/index.html', '/package.json']) {
      expect(entries, f).toContain(f);
    }
    const pkg = JSON.parse(extractFile(path.join(appOutDir, 'resources', 'app.asar'), 'package.json').toString('utf8'));
    expect(pkg.main).toBe('out/main/index.cjs');
    expect(pkg.scripts).toBeUndefined();
    expect(pkg.devDependencies).toBeUndefined();
  });

  it('contains every renderer asset that was built', () => {
    for (const f of filesUnder(path.join(PROJECT_ROOT, 'out', 'renderer'), '/out/renderer')) expect(entries, f).toContain(f);
  });

  it.each(['criteria', 'templates'])('contains every file of %s/ from the repository', (folder) => {
    const dir = path.join(PROJECT_ROOT, folder);
    if (!existsSync(dir)) return; // Nothing to ship yet.
    const expected = filesUnder(dir, `/${folder}`).filter((f) => !/\.(test|spec)\.|\.map$|\.(ts|mts|cts|tsx|vue)$/.test(f));
    expect(expected.length).toBeGreaterThan(0);
    for (const f of expected) expect(entries, f).toContain(f);
  });

  it('holds only built output, data, package.json and production node_modules at the top level', () => {
    const top = new Set(entries.map((e) => e.split('/')[1]));
    const data = ['criteria', 'templates'].filter((d) => existsSync(path.join(PROJECT_ROOT, d)));
    expect([...top].sort()).toEqual(['node_modules', 'out', 'package.json', ...data].sort());
    const outDirs = new Set(entries.filter((e) => e.startsWith('/out/')).map((e) => e.split('/')[2]));
    expect([...outDirs].sort()).toEqual(['main', 'preload', 'renderer']);
  });

  it('ships no tests, source maps or TypeScript/Vue sources', () => {
    expect(entries.filter((e) => /\.(test|spec)\.[^/]*$/.test(e))).toEqual([]);
    expect(entries.filter((e) => /\.map$/.test(e))).toEqual([]);
    expect(entries.filter((e) => /\.(ts|mts|cts|tsx|vue)$/.test(e))).toEqual([]);
  });

  it('ships no development dependency', async () => {
    const pkg = JSON.parse(await readFile(path.join(PROJECT_ROOT, 'package.json'), 'utf8'));
    const prod = new Set(Object.keys(pkg.dependencies ?? {}));
    const dev = Object.keys(pkg.devDependencies ?? {}).filter((d) => !prod.has(d));
    expect(dev).toEqual(expect.arrayContaining(['vue', 'vitest', 'playwright-core', 'electron-builder', 'electron']));
    const shipped = entries.filter((e) => dev.some((d) => e === `/node_modules/${d}` || e.startsWith(`/node_modules/${d}/`) || e.includes(`/node_modules/${d}/`)));
    expect(shipped).toEqual([]);
  });

  it('flips every fuse electron-builder.yml sets in the packaged binary', async () => {
    const wire = await getCurrentFuseWire(path.join(appOutDir, 'tf-assessor'));
    expect(wire[FuseV1Options.RunAsNode]).toBe(OFF);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(OFF);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(OFF);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(ON);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(ON);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(ON);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(OFF);
  });
});
