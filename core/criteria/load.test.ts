import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPack, validatePackFileText, type PackFile, type LoadPackResult } from './load';
import { parseYamlSafe } from './yaml-safe';
import { formatProblem } from './problems';
import { edit, posOf, textOf } from './test-helpers';
import type { Pack } from './schema';

const FIXTURES = join(__dirname, '../../test/fixtures/packs/demo');

function readTree(dir: string): PackFile[] {
  const out: PackFile[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push({ path: relative(dir, p).split('\\').join('/'), text: readFileSync(p, 'utf8') });
    }
  };
  walk(dir);
  return out;
}
const v1 = (): PackFile[] => readTree(join(FIXTURES, '1.0.0'));
const v2 = (): PackFile[] => readTree(join(FIXTURES, '2.0.0'));

async function loadOk(files: PackFile[], opts = {}): Promise<Pack> {
  const r = await loadPack(files, opts);
  if (!r.ok) throw new Error(r.problems.map((p) => formatProblem(p)).join('\n'));
  return r.pack;
}
function lines(r: LoadPackResult): string[] {
  return r.ok ? [] : r.problems.map((p) => formatProblem(p));
}

describe('loadPack: valid packs', () => {
  it('loads the fixture pack with defaults applied, criteria in file order and a SHA-256 hash', async () => {
    const r = await loadPack(v1(), { expect: { id: 'demo', version: '1.0.0' } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.warnings).toEqual([]);
    expect(r.pack.criteria.map((c) => c.id)).toEqual(['ORG-1', 'ORG-2', 'IAL-1', 'IAL-2', 'IAL-3']);
    expect(r.pack.criteria[1]!.evidence).toEqual([]); // default
    expect(r.pack.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(r.pack).not.toHaveProperty('criteriaFiles');
  });

  it('loads the next version against the previous one and normalizes mapping entries to arrays', async () => {
    const previous = await loadOk(v1());
    const r = await loadPack(v2(), { previous });
    expect(lines(r)).toEqual([]);
    if (!r.ok) return;
    expect(r.warnings).toEqual([]);
    expect(r.pack.mapping?.entries[0]).toMatchObject({ kind: 'split', from: ['ORG-1'], to: ['ORG-1a', 'ORG-1b'] });
    expect(r.pack.mapping?.entries[5]).toEqual({ kind: 'new', from: [], to: ['IAL-4'] });
  });

  it('accepts bytes with a BOM as well as strings', async () => {
    const files = v1().map((f) => ({ path: f.path, text: Uint8Array.from(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(String(f.text))])) }));
    const a = await loadOk(files);
    expect(a.hash).toBe((await loadOk(v1())).hash);
  });

  it('reads files through a reader function and reports unreadable criteria files at their manifest entry', async () => {
    const files = v1();
    const r = await loadPack(async (p) => {
      if (p === 'criteria/ial.yaml') throw new Error('file not found');
      return textOf(files, p);
    });
    expect(lines(r)).toEqual([`pack.yaml:${posOf(textOf(files, 'pack.yaml'), 'criteria/ial.yaml')}: cannot read criteria/ial.yaml: file not found`]);
  });

  it('warns (without failing) when a criterion has identical ja and en text', async () => {
    const files = edit(v1(), 'criteria/org.yaml', 'title: { ja: 定期的な見直し, en: Periodic review }', 'title: { ja: Periodic review, en: Periodic review }');
    const r = await loadPack(files);
    expect(r.ok).toBe(true);
    expect(r.warnings.map((p) => formatProblem(p))).toEqual([
      `criteria/org.yaml:${posOf(textOf(files, 'criteria/org.yaml'), 'ORG-2')}: criterion ORG-2: title has identical ja and en text (untranslated?)`,
    ]);
  });
});

describe('loadPack: reports every problem with file:line:col', () => {
  it('collects schema and cross-reference problems from all files at once', async () => {
    let files = v1();
    files = edit(files, 'pack.yaml', 'version: 1.0.0', 'version: "1.0"');
    files = edit(files, 'pack.yaml', '{ id: IAL3, rank: 3,', '{ id: IAL3, rank: 2,');
    files = edit(files, 'pack.yaml', '  ja: テスト用の小さな評価基準パック。\n', '');
    files = edit(files, 'criteria/org.yaml', 'id: ORG-2', 'id: ORG-1');
    files = edit(files, 'criteria/org.yaml', 'category: ORG-GOV\n    levels: ALL\n    obligation: SHOULD', 'category: ORG-NOPE\n    levels: ALL\n    obligation: SHOULD');
    files = edit(files, 'criteria/ial.yaml', 'levels: [IAL2, IAL3]\n    roles: [IdP]\n    condition', 'levels: [IAL2, IAL4]\n    roles: [CSP]\n    condition');
    files = edit(files, 'criteria/ial.yaml', 'condition: remote-proofing', 'condition: { all: [remote-proofing, kiosk] }');
    files = edit(files, 'criteria/ial.yaml', 'satisfiedBy: [IAL-1, IAL-2]', 'satisfiedBy: [IAL-1, IAL-9]');
    files = edit(files, 'criteria/ial.yaml', '{ source: DEMO-GUIDE, clause: "3.2" }', '{ source: NIST, clause: "3.2" }');
    files = edit(files, 'criteria/org.yaml', 'type: document', 'type: photo');
    files = edit(files, 'criteria/org.yaml', 'methods: [examine]', 'methods: [EXAMINE]');
    const r = await loadPack(files, { expect: { id: 'other', version: '1.0.0' } });
    const pack = textOf(files, 'pack.yaml');
    const org = textOf(files, 'criteria/org.yaml');
    const ial = textOf(files, 'criteria/ial.yaml');
    expect(lines(r)).toEqual([
      `pack.yaml:${posOf(pack, 'demo')}: pack id "demo" does not match its folder name "other": packs live in criteria/<id>/<version>/`,
      `pack.yaml:${posOf(pack, '"1.0"')}: version: "1.0" must be a semantic version such as 1.0.0`,
      `pack.yaml:${posOf(pack, '"1.0"')}: version "1.0" does not match its folder name "1.0.0": packs live in criteria/<id>/<version>/`,
      `pack.yaml:${posOf(pack, 'en: A small')}: description: Japanese text (ja) is missing: every text needs both ja and en`,
      `pack.yaml:${posOf(pack, '2, title: { ja: IAL3')}: duplicate rank 2 in dimension IAL (also level IAL2): ranks order the levels and must differ`,
      `criteria/org.yaml:${posOf(org, 'photo')}: unknown evidence type "photo" (declared: document, record)`,
      `criteria/org.yaml:${posOf(org, 'ORG-1', 1)}: duplicate criterion id "ORG-1" (first defined at criteria/org.yaml:${posOf(org, 'ORG-1')})`,
      `criteria/org.yaml:${posOf(org, 'EXAMINE')}: criterion ORG-1: methods[0]: expected "examine", "interview", "test"; got "EXAMINE"`,
      `criteria/ial.yaml:${posOf(ial, 'IAL4')}: level "IAL4" is not a level of dimension IAL (IAL1, IAL2, IAL3)`,
      `criteria/ial.yaml:${posOf(ial, 'CSP')}: unknown role "CSP" (declared: IdP, RP)`,
      `criteria/ial.yaml:${posOf(ial, 'kiosk')}: unknown capability "kiosk": declare it under capabilities in pack.yaml`,
      `criteria/ial.yaml:${posOf(ial, 'NIST')}: unknown source "NIST" (declared: DEMO-GUIDE)`,
      `criteria/ial.yaml:${posOf(ial, 'IAL-9')}: satisfiedBy refers to unknown criterion "IAL-9"`,
    ]);
    // The manifest failed its schema (version, missing ja), yet the criteria were still
    // checked against the declaration sections that were valid on their own.
  });

  it('reports an unknown category and a category from another dimension', async () => {
    let files = v1();
    files = edit(files, 'criteria/org.yaml', 'category: ORG-GOV\n    levels: ALL\n    obligation: SHOULD', 'category: IAL-EVID\n    levels: ALL\n    obligation: SHOULD');
    files = edit(files, 'criteria/ial.yaml', 'category: IAL-EVID\n    levels: ALL', 'category: IAL-NOPE\n    levels: ALL');
    const r = await loadPack(files);
    const org = textOf(files, 'criteria/org.yaml');
    const ial = textOf(files, 'criteria/ial.yaml');
    expect(lines(r)).toEqual([
      `criteria/org.yaml:${posOf(org, 'IAL-EVID')}: category "IAL-EVID" belongs to dimension IAL, but the criterion is in ORG`,
      `criteria/ial.yaml:${posOf(ial, 'IAL-NOPE')}: unknown category "IAL-NOPE": declare it under categories in pack.yaml`,
    ]);
  });

  it('reports unknown and misplaced fields, missing fields and wrong types with readable messages', async () => {
    let files = v1();
    files = edit(files, 'criteria/org.yaml', '    obligation: SHOULD\n', '    obligaton: SHOULD\n');
    files = edit(files, 'criteria/ial.yaml', 'levels: ALL\n    obligation: SHALL\n    methods: [examine]\n    satisfiedBy', 'levels: IAL2\n    obligation: SHALL\n    methods: [examine]\n    satisfiedBy');
    files = edit(files, 'pack.yaml', 'released: 2024-04-01', 'released: 2024');
    const r = await loadPack(files);
    const org = textOf(files, 'criteria/org.yaml');
    const ial = textOf(files, 'criteria/ial.yaml');
    expect(lines(r)).toEqual([
      `pack.yaml:${posOf(textOf(files, 'pack.yaml'), '2024\n')}: released: expected text, got the number 2024: put the value in quotes`,
      `criteria/org.yaml:${posOf(org, 'id: ORG-2')}: criterion ORG-2: missing required field "obligation"`,
      `criteria/org.yaml:${posOf(org, 'obligaton')}: criterion ORG-2: obligaton: unknown field "obligaton"`,
      `criteria/ial.yaml:${posOf(ial, 'IAL2\n')}: criterion IAL-3: levels: expected "ALL" or a list, got "IAL2"`,
    ]);
  });

  it('reports satisfiedBy cycles once, at the earliest criterion of the cycle', async () => {
    let files = v1();
    files = edit(files, 'criteria/ial.yaml', "    methods: [examine, test]\n", '    methods: [examine, test]\n    satisfiedBy: [IAL-3]\n');
    const r = await loadPack(files);
    const ial = textOf(files, 'criteria/ial.yaml');
    expect(lines(r)).toEqual([`criteria/ial.yaml:${posOf(ial, 'IAL-3]')}: satisfiedBy forms a cycle: IAL-1 → IAL-3 → IAL-1`]);
  });

  it('checks manifest declarations: duplicate ids, reserved level id, baseline with several levels, unknown category dimension', async () => {
    let files = v1();
    files = edit(files, 'pack.yaml', '  - id: RP\n', '  - id: IdP\n');
    files = edit(files, 'pack.yaml', '{ id: IAL1, rank: 1,', '{ id: ALL, rank: 1,');
    files = edit(files, 'pack.yaml', "      - id: ORG-MET\n        rank: 1\n        title: { ja: 充足, en: Met }\n", "      - id: ORG-MET\n        rank: 1\n        title: { ja: 充足, en: Met }\n      - id: ORG-X\n        rank: 2\n        title: { ja: 追加, en: Extra }\n");
    files = edit(files, 'pack.yaml', '    dimension: IAL\n', '    dimension: XAL\n');
    const r = await loadPack(files);
    const pack = textOf(files, 'pack.yaml');
    expect(lines(r)).toEqual([
      `pack.yaml:${posOf(pack, '- id: ORG-MET')}: baseline dimension ORG must have exactly one level (it is met or not); it has 2`,
      `pack.yaml:${posOf(pack, 'ALL, rank')}: level id "ALL" is reserved: criteria use it to mean every level of their dimension`,
      `pack.yaml:${posOf(pack, 'IdP', 1)}: duplicate role id "IdP" (first at pack.yaml:${posOf(pack, 'IdP')})`,
      `pack.yaml:${posOf(pack, 'XAL')}: unknown dimension "XAL" (declared: ORG, IAL)`,
    ]);
  });
});

describe('loadPack: mapping', () => {
  it('checks the to-side, the from-side against the previous version, and completeness in both directions', async () => {
    const previous = await loadOk(v1());
    let files = v2();
    files = edit(files, 'mapping.yaml', '{ kind: same, from: ORG-2, to: ORG-2 }', '{ kind: same, from: ORG-3, to: ORG-2 }');
    files = edit(files, 'mapping.yaml', '{ kind: revised, from: IAL-3, to: IAL-3 }', '{ kind: revised, from: IAL-1, to: IAL-X }');
    files = edit(files, 'mapping.yaml', '{ kind: new, to: IAL-4 }', '{ kind: new, from: IAL-4, to: IAL-4 }');
    const r = await loadPack(files, { previous });
    const m = textOf(files, 'mapping.yaml');
    const ial = textOf(files, 'criteria/ial.yaml');
    expect(lines(r)).toEqual([
      `criteria/ial.yaml:${posOf(ial, 'IAL-3\n')}: criterion IAL-3 is missing from mapping.yaml: add it to the "to" of an entry (kind "new" if it has no predecessor)`,
      `mapping.yaml:${posOf(m, 'entries')}: criterion ORG-2 of demo@1.0.0 is missing from the mapping: put it in the "from" of an entry (kind "removed" if it was dropped)`,
      `mapping.yaml:${posOf(m, 'entries')}: criterion IAL-3 of demo@1.0.0 is missing from the mapping: put it in the "from" of an entry (kind "removed" if it was dropped)`,
      `mapping.yaml:${posOf(m, 'same, from')}: "same" keeps the id, but ORG-3 → ORG-2 changes it: use "renamed" (or "revised")`,
      `mapping.yaml:${posOf(m, 'ORG-3')}: "ORG-3" is not a criterion of demo@1.0.0`,
      `mapping.yaml:${posOf(m, 'IAL-1, to: IAL-X')}: previous criterion IAL-1 appears in the "from" of two entries (entries[2] and entries[4]): each must appear exactly once`,
      `mapping.yaml:${posOf(m, 'IAL-X')}: "IAL-X" is not a criterion of this pack`,
      `mapping.yaml:${posOf(m, 'new, from')}: a "new" entry has no "from" and one or more "to"; this one has 1 "from" and 1 "to"`,
      `mapping.yaml:${posOf(m, 'IAL-4, to')}: "IAL-4" is not a criterion of demo@1.0.0`,
    ]);
  });

  it('without the previous version, checks the to-side and warns that the from-side was not checked', async () => {
    const files = edit(v2(), 'mapping.yaml', '{ kind: new, to: IAL-4 }', '{ kind: new, to: [IAL-4, ORG-2] }');
    const r = await loadPack(files, { previous: () => undefined });
    const m = textOf(files, 'mapping.yaml');
    expect(lines(r)).toEqual([`mapping.yaml:${posOf(m, 'ORG-2] }')}: criterion ORG-2 appears in the "to" of two entries (entries[1] and entries[5]): each must appear exactly once`]);
    expect(r.warnings.map((p) => formatProblem(p))).toEqual([`mapping.yaml:${posOf(m, 'demo@1.0.0')}: demo@1.0.0 is not available here: the mapping's "from" side was not checked`]);
  });

  it('warns when "same" hides a content change, and rejects a mapping from a newer version or a different previous pack', async () => {
    const previous = await loadOk(v1());
    let files = edit(v2(), 'mapping.yaml', '{ kind: revised, from: IAL-1, to: IAL-1 }', '{ kind: same, from: IAL-1, to: IAL-1 }');
    let r = await loadPack(files, { previous });
    expect(r.ok).toBe(true);
    expect(r.warnings.map((p) => p.message)).toEqual(['"same" but IAL-1 changed (statement): use "revised" so answers are re-checked']);

    files = edit(v2(), 'mapping.yaml', 'from: demo@1.0.0', 'from: demo@3.0.0');
    r = await loadPack(files, { previous });
    expect(lines(r)).toEqual([
      `mapping.yaml:1:7: the mapping comes from demo@3.0.0, which is not older than this version 2.0.0`,
      `mapping.yaml:1:7: the mapping says it comes from demo@3.0.0, but the previous pack given is demo@1.0.0`,
    ]);
  });
});

describe('loadPack: hostile input never crashes or hangs', () => {
  const withOrg = (text: string | Uint8Array): PackFile[] => v1().map((f) => (f.path === 'criteria/org.yaml' ? { path: f.path, text } : f));

  it('rejects an alias bomb (billion laughs)', async () => {
    let bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    for (let i = 1; i < 10; i++) {
      const n = String.fromCharCode(97 + i);
      const p = String.fromCharCode(96 + i);
      bomb += `${n}: &${n} [${Array(9).fill('*' + p).join(',')}]\n`;
    }
    const t0 = Date.now();
    const r = await loadPack(withOrg(bomb));
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(lines(r)).toEqual(['criteria/org.yaml:1:1: too many alias (*name) expansions (limit 100): anchors and aliases may only be used sparingly']);
  });

  it('rejects __proto__, constructor and prototype keys anywhere, with their position', async () => {
    const text = 'criteria:\n  - id: X\n    __proto__: { polluted: true }\n    nested: { constructor: 1 }\n';
    const r = await loadPack(withOrg(text));
    expect(lines(r)).toEqual([
      'criteria/org.yaml:3:5: the key "__proto__" is not allowed (it could tamper with object prototypes)',
      'criteria/org.yaml:4:15: the key "constructor" is not allowed (it could tamper with object prototypes)',
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects deep nesting (flow and block, 10,000 levels) before building the document', async () => {
    const t0 = Date.now();
    const flow = await loadPack(withOrg('criteria: ' + '['.repeat(10000) + ']'.repeat(10000)));
    const block = await loadPack(withOrg('criteria:\n  ' + '- '.repeat(10000) + 'x\n'));
    expect(Date.now() - t0).toBeLessThan(10000);
    expect(lines(flow)).toEqual([`criteria/org.yaml:1:${11 + 31}: nesting deeper than 32 levels is not allowed`]);
    expect(lines(block)).toEqual([`criteria/org.yaml:2:${3 + 31 * 2}: nesting deeper than 32 levels is not allowed`]);
  });

  it('rejects a file over 5 MiB and a pack over 20 MiB without parsing them', async () => {
    const huge = 'criteria: []\n#' + 'x'.repeat(5 * 1024 * 1024);
    expect(lines(await loadPack(withOrg(huge)))).toEqual(['criteria/org.yaml:1:1: file is 5.0 MiB; the limit is 5 MiB per file — split it into smaller files']);
    const r = await loadPack(withOrg('criteria: []\n#' + 'x'.repeat(4 * 1024 * 1024)), { limits: { maxPackBytes: 3 * 1024 * 1024 } });
    expect(lines(r)[0]).toMatch(/^criteria\/org\.yaml:1:1: the pack's files exceed 3 MiB together/);
  });

  it('rejects binary garbage as bytes (not UTF-8) and as text (control characters)', async () => {
    const garbage = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256);
    expect(lines(await loadPack(withOrg(garbage)))).toEqual(['criteria/org.yaml:1:1: not UTF-8 text (is this a binary file?): save it as UTF-8 YAML']);
    expect(lines(await loadPack(withOrg('criteria:\n  - id: "a\u0000b"\n')))).toEqual(['criteria/org.yaml:2:11: control character U+0000 is not allowed (is this a binary file?)']);
    expect(lines(await loadPack(withOrg('criteria:\n  - id: "a\\u0000b"\n')))).toEqual(['criteria/org.yaml:2:9: control characters (e.g. "\\u0000") are not allowed in text']);
  });

  it('rejects YAML tags such as !!js/function, duplicate keys, several documents and alias cycles', async () => {
    expect(lines(await loadPack(withOrg('criteria:\n  - !!js/function "function () { return 1 }"\n  - !custom x\n')))).toEqual([
      'criteria/org.yaml:2:5: YAML tags such as !!js/function are not allowed: write plain values',
      'criteria/org.yaml:3:5: YAML tags such as !custom are not allowed: write plain values',
    ]);
    expect(lines(await loadPack(withOrg('criteria: []\ncriteria: []\n')))).toEqual(['criteria/org.yaml:2:1: Map keys must be unique']);
    expect(lines(await loadPack(withOrg('criteria: []\n---\ncriteria: []\n')))).toEqual([
      'criteria/org.yaml:2:1: a file holds one YAML document: remove the "---" separator and what follows, or move it to its own file',
    ]);
    expect(lines(await loadPack(withOrg('criteria: &c [1, *c]\n')))).toEqual(['criteria/org.yaml:1:18: alias *c refers to a node that contains it (a cycle)']);
    // An alias names the last anchor of its name before it: here the enclosing list (a cycle).
    expect(lines(await loadPack(withOrg('a: &c [1]\ncriteria: &c [*c]\n')))).toEqual(['criteria/org.yaml:2:15: alias *c refers to a node that contains it (a cycle)']);
  });

  it('refuses a file with tens of thousands of aliases before resolving them', () => {
    // The yaml package resolves each alias by searching the whole document: 30,000 aliases
    // took minutes before the alias expansion limit was even consulted.
    const n = 30_000;
    const text = `anchors: [${Array.from({ length: n }, (_, i) => `&a${i} ${i}`).join(', ')}]\nuses: [${Array.from({ length: n }, (_, i) => `*a${i}`).join(', ')}]\n`;
    const r = parseYamlSafe('criteria/org.yaml', text);
    // Reported at the 101st alias.
    const col = text.split('\n')[1]!.indexOf('*a100,') + 1;
    expect(r.problems.map((p) => `${p.line}:${p.col}: ${p.message}`)).toEqual([`2:${col}: too many aliases (*name): at most 100 in a file; write the values out instead`]);
  });

  it('survives random bytes and random edits of a valid file (property test)', async () => {
    const fc = await import('fast-check');
    const base = textOf(v1(), 'criteria/org.yaml');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: base.length }), fc.string({ maxLength: 20 }), fc.uint8Array({ maxLength: 200 }), async (at, ins, bytes) => {
        const a = await loadPack(withOrg(base.slice(0, at) + ins + base.slice(at)));
        const b = await loadPack(withOrg(bytes));
        for (const r of [a, b]) {
          if (!r.ok) for (const p of r.problems) expect(p.line).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('validatePackFileText', () => {
  it('validates a single criteria file by its shape, without cross-references', () => {
    const text = 'criteria:\n  - id: X\n    dimension: NOPE\n';
    const r = validatePackFileText('x.yaml', text);
    expect(r.kind).toBe('criteria');
    expect(r.problems.map((p) => formatProblem(p))[0]).toBe('x.yaml:2:5: criterion X: missing required field "category"');
    expect(validatePackFileText('m.yaml', 'hello: 1').problems[0]?.message).toMatch(/^not a pack file/);
  });
});
