import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHandlers, languageForLocale } from './handlers';
import { createPackLister } from './services/packs';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tfa-handlers-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const deps = () => ({
  dataDir: dir,
  host: 'bridge' as const,
  version: '9.9.9',
  platform: 'linux',
  systemLocale: 'ja-JP',
  listPacks: createPackLister({ builtinDir: join(process.cwd(), 'criteria'), userDir: join(dir, 'packs') }),
});

describe('handlers', () => {
  it('maps OS locales to product languages', () => {
    expect(languageForLocale('ja-JP')).toBe('ja');
    expect(languageForLocale('ja')).toBe('ja');
    expect(languageForLocale('en-US')).toBe('en');
    expect(languageForLocale('fr-FR')).toBe('en');
  });

  it('keeps the last of many concurrent settings saves on disk', async () => {
    const h = createHandlers(deps());
    const langs = ['ja', 'en', 'system', 'en', 'ja', 'en'] as const;
    await Promise.all(langs.map((language) => h['tfa:settings:set']({ language })));
    const onDisk = JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8'));
    expect(onDisk.language).toBe('en');
    // A fresh handler set (next app start) reads the same value back.
    expect(await createHandlers(deps())['tfa:settings:get'](undefined)).toEqual({ language: 'en' });
  });

  it('falls back to defaults when the settings file is damaged', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'settings.json'), '{"language": 42');
    expect(await createHandlers(deps())['tfa:settings:get'](undefined)).toEqual({ language: 'system' });
  });

  it('lists the built-in criteria packs with their identity', async () => {
    const packs = await createHandlers(deps())['tfa:packs:list'](undefined);
    const refs = packs.map((p) => `${p.id}@${p.version}`);
    expect(refs).toEqual(expect.arrayContaining(['jp-idtf@1.0.0', 'jp-idtf@2.0.0', 'nist-800-63-4@1.0.0']));
    for (const p of packs) {
      expect(p.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(p.origin).toBe('builtin');
      expect(p.criteriaCount).toBeGreaterThan(0);
    }
  });

  it('lists the real recent assessments (kept in the data folder across restarts), newest first', async () => {
    const h = createHandlers({ ...deps(), actor: 'tester' });
    expect(await h['tfa:assessments:listRecent'](undefined)).toEqual([]);
    const make = (name: string) =>
      h['tfa:assessments:create']({ organization: { legalName: '株式会社サンプルID' }, service: { name }, pack: { id: 'jp-idtf', version: '2.0.0' }, type: 'self-assessment' });
    const first = await make('First');
    const second = await make('Second');
    await h['tfa:assessments:close']({ handle: first.handle });
    const listed = await h['tfa:assessments:listRecent'](undefined);
    expect(listed.map((r) => [r.service, r.open])).toEqual([
      ['Second', true],
      ['First', false],
    ]);
    await h['tfa:assessments:close']({ handle: second.handle });
    // The next start of the app: same list, same handles.
    const again = await createHandlers(deps())['tfa:assessments:listRecent'](undefined);
    expect(again.map((r) => r.handle)).toEqual([second.handle, first.handle]);
    expect(again[0]).toEqual({ handle: second.handle, organization: '株式会社サンプルID', service: 'Second', pack: 'jp-idtf@2.0.0', updatedAt: second.document.updatedAt, open: false });
  });
});
