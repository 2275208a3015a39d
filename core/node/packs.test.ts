import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatProblem } from '../criteria/problems';
import { builtinCriteriaDir, defaultPackRoots, discoverPacks, listPackSummaries, readPackDir, resolvePack, userPacksDir } from './packs';

const DEMO = resolve(__dirname, '../../test/fixtures/packs/demo');
let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'tfa-packs-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

function install(root: string, version: string, id = 'demo', as = version): string {
  const dir = join(root, id, as);
  cpSync(join(DEMO, version), dir, { recursive: true });
  return dir;
}

describe('readPackDir', () => {
  it('loads a pack folder, checks it against its sibling previous version, and names files by absolute path', async () => {
    install(tmp, '1.0.0');
    const dir = install(tmp, '2.0.0');
    const r = await readPackDir(dir);
    expect(r.ok).toBe(true);
    expect(r.warnings).toEqual([]); // the previous version was found beside it

    writeFileSync(join(dir, 'mapping.yaml'), readFileSync(join(dir, 'mapping.yaml'), 'utf8').replace('{ kind: new, to: IAL-4 }', '{ kind: new, to: IAL-5 }'));
    const bad = await readPackDir(dir);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems.map((p) => formatProblem(p))).toEqual([
        `${join(dir, 'criteria/ial.yaml')}:51:9: criterion IAL-4 is missing from mapping.yaml: add it to the "to" of an entry (kind "new" if it has no predecessor)`,
        `${join(dir, 'mapping.yaml')}:13:22: "IAL-5" is not a criterion of this pack`,
      ]);
  });

  it('refuses criteria files that escape the folder through a symlink, and oversized files before reading them', async () => {
    const dir = install(tmp, '1.0.0');
    const outside = join(tmp, 'outside.yaml');
    writeFileSync(outside, readFileSync(join(dir, 'criteria/org.yaml')));
    rmSync(join(dir, 'criteria/org.yaml'));
    symlinkSync(outside, join(dir, 'criteria/org.yaml'));
    // A symlink that stays inside the folder is fine.
    cpSync(join(dir, 'criteria/ial.yaml'), join(dir, 'criteria/real-ial.yaml'));
    rmSync(join(dir, 'criteria/ial.yaml'));
    symlinkSync(join(dir, 'criteria/real-ial.yaml'), join(dir, 'criteria/ial.yaml'));
    let r = await readPackDir(dir);
    expect(r.ok ? [] : r.problems.map((p) => p.message)).toEqual(['cannot read criteria/org.yaml: it resolves outside the pack folder (symbolic link?)']);

    rmSync(join(dir, 'criteria/org.yaml'));
    writeFileSync(join(dir, 'criteria/org.yaml'), 'criteria: []\n#' + 'x'.repeat(6 * 1024 * 1024));
    r = await readPackDir(dir);
    expect(r.ok ? [] : r.problems.map((p) => p.message)).toEqual(['cannot read criteria/org.yaml: file is 6.0 MiB; the limit is 5 MiB per file']);
  });

  it('checks the folder names when the folder looks like <id>/<version>', async () => {
    const dir = install(tmp, '1.0.0', 'other');
    const r = await readPackDir(dir);
    expect(r.ok ? [] : r.problems.map((p) => p.message)).toEqual(['pack id "demo" does not match its folder name "other": packs live in criteria/<id>/<version>/']);
    const plain = join(tmp, 'my-pack');
    cpSync(join(DEMO, '1.0.0'), plain, { recursive: true });
    expect((await readPackDir(plain)).ok).toBe(true);
  });
});

describe('discoverPacks', () => {
  it('lists versions side by side, in version order, reports invalid packs without stopping, and flags conflicting user copies', async () => {
    const builtin = join(tmp, 'builtin');
    const user = join(tmp, 'user');
    install(builtin, '2.0.0');
    install(builtin, '1.0.0');
    mkdirSync(join(builtin, 'schema'), { recursive: true });
    writeFileSync(join(builtin, 'schema', 'pack.schema.json'), '{}');
    const broken = install(builtin, '1.0.0', 'demo', '1.5.0');
    writeFileSync(join(broken, 'pack.yaml'), 'schema: nope\n');
    const conflict = install(user, '1.0.0');
    writeFileSync(join(conflict, 'criteria/org.yaml'), readFileSync(join(conflict, 'criteria/org.yaml'), 'utf8').replace('Periodic review }', 'Periodic reviews }'));
    install(user, '2.0.0', 'demo'); // identical copy: same hash, not a conflict

    const list = await discoverPacks([
      { dir: builtin, origin: 'builtin' },
      { dir: user, origin: 'user' },
      { dir: join(tmp, 'missing'), origin: 'user' },
    ]);
    expect(list.map((d) => `${d.id}@${d.version} ${d.origin} ${d.result.ok ? 'ok' : 'invalid'}`)).toEqual([
      'demo@1.0.0 builtin ok',
      'demo@1.0.0 user invalid',
      'demo@1.5.0 builtin invalid',
      'demo@2.0.0 builtin ok',
      'demo@2.0.0 user ok',
    ]);
    const v2 = list[3]!;
    expect(v2.result.warnings).toEqual([]); // mapping checked against 1.0.0
    const c = list[1]!.result;
    expect(c.ok ? '' : c.problems[0]!.message).toBe('demo@1.0.0 conflicts with the built-in pack of the same version (different content): give it a new version');
    const summaries = await listPackSummaries([{ dir: builtin, origin: 'builtin' }]);
    expect(summaries.map((s) => [s.id, s.version, s.criteriaCount, s.dimensions])).toEqual([
      ['demo', '1.0.0', 5, ['ORG', 'IAL']],
      ['demo', '2.0.0', 7, ['ORG', 'IAL']],
    ]);
  });
});

describe('resolvePack', () => {
  it('resolves id@version (built-in first), id@version#hash, a folder and a pack.yaml path', async () => {
    const builtin = join(tmp, 'b');
    install(builtin, '1.0.0');
    const roots = [{ dir: builtin, origin: 'builtin' as const }];
    const byRef = await resolvePack('demo@1.0.0', { roots });
    expect(byRef.origin).toBe('builtin');
    expect(byRef.result.ok).toBe(true);
    const hash = byRef.result.ok ? byRef.result.pack.hash : '';
    expect((await resolvePack(`demo@1.0.0#${hash}`, { roots })).result.ok).toBe(true);
    await expect(resolvePack(`demo@1.0.0#${'0'.repeat(64)}`, { roots })).rejects.toThrow(/not the pinned 0000/);
    expect((await resolvePack('b/demo/1.0.0', { roots, cwd: tmp })).dir).toBe(join(builtin, 'demo/1.0.0'));
    expect((await resolvePack(join(builtin, 'demo/1.0.0/pack.yaml'), { roots })).result.ok).toBe(true);
    await expect(resolvePack('demo@9.9.9', { roots })).rejects.toThrow(`pack demo@9.9.9 is not installed (looked in ${builtin})`);
    await expect(resolvePack('nonsense', { roots, cwd: tmp })).rejects.toThrow('"nonsense" is neither a pack folder nor a pack reference such as jp-idtf@2.0.0');
  });
});

describe('pack folders', () => {
  it('finds the built-in criteria folder from the sources, and honours TFA_BUILTIN_CRITERIA_DIR', () => {
    expect(builtinCriteriaDir({})).toBe(resolve(__dirname, '../../criteria'));
    expect(builtinCriteriaDir({ TFA_BUILTIN_CRITERIA_DIR: tmp })).toBe(tmp);
  });
  it('puts user packs under TFA_DATA_DIR or the platform app-data folder', () => {
    expect(userPacksDir({ TFA_DATA_DIR: '/data' }, 'linux', '/home/u')).toBe('/data/packs');
    expect(userPacksDir({}, 'linux', '/home/u')).toBe('/home/u/.config/TF Assessor/packs');
    expect(userPacksDir({ XDG_CONFIG_HOME: '/x' }, 'linux', '/home/u')).toBe('/x/TF Assessor/packs');
    expect(userPacksDir({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/TF Assessor/packs');
    expect(userPacksDir({ APPDATA: 'C:/AppData' }, 'win32', 'C:/u')).toBe(join('C:/AppData', 'TF Assessor', 'packs'));
    expect(defaultPackRoots({ TFA_DATA_DIR: tmp, TFA_BUILTIN_CRITERIA_DIR: DEMO })).toEqual([
      { dir: DEMO, origin: 'builtin' },
      { dir: join(tmp, 'packs'), origin: 'user' },
    ]);
  });
});
