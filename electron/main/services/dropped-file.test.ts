// What a dropped path may name, on real files: the data folder (also through a symbolic link
// or other letter case on Windows/macOS) and non-regular files are refused.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkDroppedFile, isInside } from './dropped-file';

let root: string;
let dataDir: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'tfa-drop-'));
  dataDir = path.join(root, 'TF Assessor');
  await mkdir(path.join(dataDir, 'assessments', 'a1'), { recursive: true });
  await writeFile(path.join(dataDir, 'assessments', 'a1', 'journal.jsonl'), '{}\n');
  await writeFile(path.join(dataDir, 'settings.json'), '{}');
  await writeFile(path.join(root, 'policy.pdf'), '%PDF-1.7');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return { code: (err as { code: string }).code, message: (err as Error).message };
  }
  throw new Error('expected a refusal');
};

describe('isInside', () => {
  it('uses path.relative, so a sibling whose name starts like the folder is outside', () => {
    expect(isInside('/data/app', '/data/app/x/y')).toBe(true);
    expect(isInside('/data/app', '/data/app')).toBe(true);
    expect(isInside('/data/app', '/data/app-evil/x')).toBe(false);
    expect(isInside('/data/app', '/data/..app/x')).toBe(false);
    expect(isInside('/data/app', '/data')).toBe(false);
    expect(isInside('C:\\Users\\u\\AppData\\TF', 'D:\\TF\\x', path.win32)).toBe(false);
    expect(isInside('C:\\Users\\u\\AppData\\TF', 'c:\\users\\u\\appdata\\tf\\keys', path.win32)).toBe(true);
  });
});

describe('checkDroppedFile', () => {
  it('accepts a regular file outside the data folder and returns its resolved path', async () => {
    await expect(checkDroppedFile(path.join(root, 'policy.pdf'), dataDir)).resolves.toBe(path.join(root, 'policy.pdf'));
  });

  it('refuses the data folder, its files, and links into it', async () => {
    for (const p of [path.join(dataDir, 'settings.json'), path.join(dataDir, 'assessments', 'a1', 'journal.jsonl')]) {
      expect(await refusal(checkDroppedFile(p, dataDir))).toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/inside TF Assessor’s own data folder/) });
    }
    await symlink(path.join(dataDir, 'settings.json'), path.join(root, 'innocent.pdf'));
    expect((await refusal(checkDroppedFile(path.join(root, 'innocent.pdf'), dataDir))).message).toMatch(/own data folder/);
    // Reached through a link to the folder itself, or through ".." segments.
    await symlink(dataDir, path.join(root, 'shortcut'));
    expect((await refusal(checkDroppedFile(path.join(root, 'shortcut', 'settings.json'), dataDir))).code).toBe('invalid-input');
    expect((await refusal(checkDroppedFile(path.join(root, 'x', '..', 'TF Assessor', 'settings.json'), dataDir))).code).toBe('invalid-input');
  });

  it('on Windows and macOS also refuses the data folder written in other letter case', async () => {
    const upper = path.join(root, 'TF ASSESSOR');
    const lowerData = path.join(root, 'tf assessor');
    await mkdir(upper);
    await writeFile(path.join(upper, 'keys.json'), '{}');
    // Here the file system tells the two apart; the check must not rely on it.
    expect((await refusal(checkDroppedFile(path.join(upper, 'keys.json'), lowerData, 'darwin'))).code).toBe('invalid-input');
    await expect(checkDroppedFile(path.join(upper, 'keys.json'), lowerData, 'linux')).resolves.toBe(path.join(upper, 'keys.json'));
  });

  it('refuses folders, devices, missing files and relative paths', async () => {
    expect((await refusal(checkDroppedFile(root, dataDir))).message).toMatch(/is not a regular file/);
    if (process.platform !== 'win32') expect((await refusal(checkDroppedFile('/dev/null', dataDir))).message).toMatch(/is not a regular file/);
    expect((await refusal(checkDroppedFile(path.join(root, 'gone.pdf'), dataDir))).code).toBe('not-found');
    expect((await refusal(checkDroppedFile('policy.pdf', dataDir))).code).toBe('invalid-input');
    expect((await refusal(checkDroppedFile(`${root}/a\0b`, dataDir))).code).toBe('invalid-input');
  });
});

describe('checkDroppedFile without the file system', () => {
  it('refuses a path inside the data folder before looking whether it exists', async () => {
    expect(await refusal(checkDroppedFile(path.join(dataDir, 'no-such-key.p12'), dataDir))).toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/own data folder/) });
  });
});
