import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { EXTERNAL_HOSTS, isAllowedExternalUrl, openExternal } from './external';

const shellOpen = vi.hoisted(() => vi.fn(async (_url: string) => undefined));
vi.mock('electron', () => ({ shell: { openExternal: shellOpen } }));

describe('openExternal allowlist', () => {
  beforeEach(() => shellOpen.mockClear());

  it('is a tiny explicit list of hosts', () => {
    expect(EXTERNAL_HOSTS).toEqual(['pages.nist.gov']);
    expect(Object.isFrozen(EXTERNAL_HOSTS)).toBe(true);
  });

  it('opens https links to an allowlisted host', async () => {
    await expect(openExternal('https://pages.nist.gov/800-63-4/sp800-63b.html#aal2')).resolves.toBe(true);
    expect(shellOpen).toHaveBeenCalledExactlyOnceWith('https://pages.nist.gov/800-63-4/sp800-63b.html#aal2');
  });

  it.each([
    'http://pages.nist.gov/',
    'https://pages.nist.gov.attacker.example/',
    'https://attacker.example/?u=https://pages.nist.gov/',
    'https://evil.pages.nist.gov/',
    'https://user:pw@pages.nist.gov/',
    'https://pages.nist.gov@attacker.example/',
    'https://pages.nist.gov:8443/',
    'file:///C:/Windows/System32/calc.exe',
    'smb://attacker.example/share/x.exe',
    'ms-msdt:/id PCWDiagnostic',
    'javascript:alert(1)',
    'app://tf-assessor/',
    '//pages.nist.gov/',
    'pages.nist.gov',
    '',
  ])('refuses %s without touching the shell', async (url) => {
    expect(isAllowedExternalUrl(url)).toBe(false);
    await expect(openExternal(url)).resolves.toBe(false);
    expect(shellOpen).not.toHaveBeenCalled();
  });

  it('the allowlist can be narrowed by the caller', () => {
    expect(isAllowedExternalUrl('https://pages.nist.gov/', [])).toBe(false);
  });

  it('is the only module in electron/ that reaches shell.openExternal', () => {
    const root = path.resolve(__dirname, '../..');
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const ent of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, ent.name);
        if (ent.isDirectory()) walk(p);
        else if (/\.ts$/.test(ent.name) && !/\.test\.ts$/.test(ent.name)) {
          const src = readFileSync(p, 'utf8');
          const importsShell = /import\s*\{[^}]*\bshell\b[^}]*\}\s*from\s*['"]electron['"]/.test(src);
          // The export screen's "show in folder" uses shell.showItemInFolder on a path main
          // chose itself; any other use of shell (above all openExternal) stays here alone.
          const onlyReveals = importsShell && [...src.matchAll(/\bshell\.(\w+)/g)].every((m) => m[1] === 'showItemInFolder');
          if ((importsShell && !onlyReveals) || /\.openExternal\s*\(|require\(['"]electron['"]\)/.test(src)) offenders.push(path.relative(root, p));
        }
      }
    };
    walk(root);
    expect(offenders).toEqual([path.join('main', 'security', 'external.ts')]);
  });
});
