import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkEntryName, collisionKey, decodeEntryName, NameRegistry, printableName } from './names';

describe('checkEntryName', () => {
  it.each([
    ['assessment.json'],
    ['evidence/日本語の証跡.pdf'],
    ['evidence/sub folder/photo (1).png'],
    ['pack/nist-800-63-4@1.0.0.json'],
    ['.hidden'],
    ['a'.repeat(255)],
  ])('accepts %s', (name) => {
    expect(checkEntryName(name)).toBeNull();
  });

  it.each([
    ['', 'empty'],
    ['../x', 'dot-segment'],
    ['evidence/../../etc/passwd', 'dot-segment'],
    ['./x', 'dot-segment'],
    ['/etc/passwd', 'absolute-path'],
    ['C:\\x', 'drive-letter'],
    ['c:x', 'drive-letter'],
    ['\\\\server\\share\\x', 'unc-path'],
    ['//server/share/x', 'unc-path'],
    ['evidence\\a.png', 'backslash'],
    ['a\u0000.png', 'control-character'],
    ['a\u001b[31m.png', 'control-character'],
    ['a\nb', 'control-character'],
    ['a\u0085b', 'control-character'],
    ['invoice\u202Efdp.exe', 'format-character'],
    ['\uFEFFa', 'format-character'],
    ['a\u200Bb', 'format-character'],
    ['evidence/a:b', 'windows-character'],
    ['what?.txt', 'windows-character'],
    ['a//b', 'empty-segment'],
    ['a/', 'empty-segment'],
    ['report.', 'trailing-dot-or-space'],
    ['evidence /a', 'trailing-dot-or-space'],
    ['CON', 'reserved-name'],
    ['evidence/nul.txt', 'reserved-name'],
    ['com1.tar.gz', 'reserved-name'],
    ['LPT¹', 'reserved-name'],
    ['CON .txt', 'reserved-name'],
    ['a'.repeat(256), 'segment-too-long'],
    ['あ'.repeat(86), 'segment-too-long'],
    [`${'a/'.repeat(512)}b`, 'path-too-long'],
    ['a\uD800b', 'invalid-utf8'],
  ])('refuses %j (%s)', (name, code) => {
    const p = checkEntryName(name);
    expect(p?.code).toBe(code);
    // The message never carries the raw control or format character.
    expect(p!.message).not.toMatch(/[\p{Cc}\p{Cf}]/u);
  });

  it('accepts a folder name with its trailing slash only for folder entries', () => {
    expect(checkEntryName('evidence/', { directory: true })).toBeNull();
    expect(checkEntryName('evidence/')?.code).toBe('empty-segment');
  });

  it('never accepts a name that could leave the extraction folder (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', '..', '.', '/', '\\', 'C:', ':', ' ', '\u0000', 'é'), { maxLength: 8 }), (parts) => {
        const name = parts.join('');
        if (checkEntryName(name) !== null) return;
        const segments = name.split('/');
        expect(name.startsWith('/')).toBe(false);
        expect(name.includes('\\')).toBe(false);
        expect(name.includes(':')).toBe(false);
        expect(segments.every((s) => s !== '' && s !== '.' && s !== '..')).toBe(true);
      }),
    );
  });
});

describe('decodeEntryName', () => {
  it('decodes UTF-8 and refuses anything that is not exactly some string', () => {
    expect(decodeEntryName(Buffer.from('evidence/証跡.pdf'))).toBe('evidence/証跡.pdf');
    expect(decodeEntryName(Buffer.from([0x61, 0xff]))).toBeNull();
    expect(decodeEntryName(Buffer.from([0xc0, 0xaf]))).toBeNull(); // overlong "/"
    expect(decodeEntryName(Buffer.from([0xef, 0xbb, 0xbf, 0x61]))).toBeNull(); // BOM + "a" would decode as "a"
  });
});

describe('NameRegistry', () => {
  it('reports duplicates, case and normalisation collisions, and file/folder clashes', () => {
    const r = new NameRegistry();
    expect(r.add('Evidence/a.png')).toBeNull();
    expect(r.add('Evidence/a.png')?.code).toBe('duplicate');
    expect(r.add('evidence/A.png')?.code).toBe('case-collision');
    expect(r.add('caf\u00e9.txt')).toBeNull();
    expect(r.add('cafe\u0301.txt')?.code).toBe('normalization-collision');
    expect(r.add('evidence')?.code).toBe('file-folder-collision');
    expect(r.add('caf\u00e9.txt/x')?.code).toBe('file-folder-collision');
    expect(r.add('STRASSE.txt')).toBeNull();
    // Folding errs towards "same": ß upper-cases to SS.
    expect(r.add('straße.txt')?.code).toBe('case-collision');
  });

  it('collides names that differ only in case or normalisation (property)', () => {
    // ẞ (capital sharp s) lower-cases to ß, which upper-cases to SS: found by this property.
    expect(collisionKey('ẞ')).toBe(collisionKey('ß'));
    expect(collisionKey('ß')).toBe(collisionKey('SS'));
    for (const unit of ['grapheme', 'binary'] as const) {
      fc.assert(
        fc.property(fc.string({ unit, minLength: 1, maxLength: 12 }), (s) => {
          expect(collisionKey(s.toUpperCase())).toBe(collisionKey(s.toLowerCase()));
          expect(collisionKey(s.normalize('NFD'))).toBe(collisionKey(s.normalize('NFC')));
        }),
        { numRuns: 2000 },
      );
    }
  });
});

describe('printableName', () => {
  it('escapes what could rewrite a terminal or disguise a name', () => {
    expect(printableName('a\u001b[2Jb')).toBe('a\\u{1B}[2Jb');
    expect(printableName('x\u202Egnp.exe')).toBe('x\\u{202E}gnp.exe');
    expect(printableName('a'.repeat(500)).length).toBeLessThan(200);
  });
});
