// Pins the packaging settings that matter for security and for what ships, in
// electron-builder.yml (packaging itself is exercised by test/packaging.test.ts).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';

const root = path.resolve(__dirname, '../..');
const config = YAML.parse(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8'));

describe('electron-builder.yml', () => {
  it('is a valid configuration for the installed electron-builder (no misspelt keys)', async () => {
    const require = createRequire(path.join(root, 'node_modules', 'electron-builder', 'package.json'));
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
      validateConfiguration: (c: unknown, logger: { add(): void; isEnabled: boolean }) => Promise<void>;
    };
    await expect(validateConfiguration(structuredClone(config), { add() {}, isEnabled: false })).resolves.toBeUndefined();
    // The validator really rejects typos, so the line above means something.
    await expect(validateConfiguration({ ...structuredClone(config), electronFuses: { runAsNod: false } }, { add() {}, isEnabled: false })).rejects.toThrow();
  });

  it('sets every security fuse', () => {
    expect(config.electronFuses).toStrictEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('packs the app into an asar archive with nothing unpacked and integrity on', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toBeUndefined();
    expect(config.disableAsarIntegrity).toBeUndefined();
  });

  it('names the product and its id', () => {
    expect(config.productName).toBe('TF Assessor');
    expect(config.appId).toMatch(/^[a-z0-9]+(\.[a-z0-9-]+)+$/);
  });

  it('ships built output and data only', () => {
    const files: string[] = config.files;
    expect(files).toEqual(
      expect.arrayContaining(['package.json', 'out/main/**', 'out/preload/**', 'out/renderer/**', 'criteria/**', 'templates/**']),
    );
    expect(files).toEqual(expect.arrayContaining(['!**/*.map', '!**/*.{test,spec}.*', '!**/*.{ts,mts,cts,tsx,vue}', '!dist/**']));
    // Only exclusions besides the list above: no source folder sneaks in.
    const includes = files.filter((f) => !f.startsWith('!'));
    expect(includes.sort()).toEqual(['criteria/**', 'out/main/**', 'out/preload/**', 'out/renderer/**', 'package.json', 'templates/**']);
  });

  it('builds AppImage + deb on Linux, NSIS on Windows, DMG on macOS', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
  });

  it('associates .tfpkg packages with the app', () => {
    expect(config.fileAssociations).toEqual([expect.objectContaining({ ext: 'tfpkg', name: 'TF Assessor package' })]);
  });

  it('has no update feed (the app makes no network calls)', () => {
    expect(config.publish).toBeNull();
  });
});
