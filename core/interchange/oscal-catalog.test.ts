import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPack } from '../criteria/load';
import type { Criterion, Pack } from '../criteria/schema';
import { importOscalCatalog, type OscalImportResult } from './oscal-catalog';

const TSV = join(__dirname, '../../test/fixtures/nist-800-63-4-cc-index.tsv');
const NS = 'http://csrc.nist.gov/ns/rmf';

interface Row {
  group: string;
  id: string;
  label: string;
  targets: string;
  levels: string;
  methods: string[];
  title: string;
}
function rows(): Row[] {
  const [, ...lines] = readFileSync(TSV, 'utf8').trimEnd().split('\n');
  return lines.map((l) => {
    const [group, id, label, targets, levels, methods, title] = l.split('\t') as [string, string, string, string, string, string, string];
    return { group, id, label, targets, levels, methods: methods.split('|'), title };
  });
}

/** An OSCAL catalog shaped like NIST's 800-63-4 conformance criteria, built from the index. */
function catalogFromTsv(): Record<string, unknown> {
  const groups = new Map<string, { id: string; title: string; controls: unknown[] }>();
  for (const r of rows()) {
    if (!groups.has(r.group)) groups.set(r.group, { id: `sp800-${r.group.toLowerCase()}`, title: r.group, controls: [] });
    const sentence = r.title.toLowerCase();
    groups.get(r.group)!.controls.push({
      id: r.id,
      class: 'conformance-criterion',
      title: r.title,
      props: [
        { name: 'label', value: r.label, class: 'index' },
        { name: 'sort-id', value: r.id.toLowerCase() },
        { name: 'marking', value: r.targets, class: 'target' },
        { name: 'marking', value: r.levels, class: 'xal-level' },
      ],
      parts: [
        { id: `${r.id}_smt`, name: 'statement', prose: `The ${r.targets} meets the requirement on ${sentence}.` },
        { id: `${r.id}_obj`, name: 'objective', prose: `Determine whether the requirement on ${sentence} is met.` },
        ...r.methods.map((m) => ({
          id: `${r.id}_asm-${m.toLowerCase()}`,
          name: 'assessment-method',
          props: [{ name: 'method', ns: NS, value: m }],
          parts: [{ name: 'assessment-objects', prose: `Evidence about ${sentence}.` }],
        })),
        { id: `${r.id}_gdn`, name: 'guidance', prose: `Guidance on ${sentence}.` },
      ],
    });
  }
  const catalog = {
    catalog: {
      uuid: '00000000-0000-4000-8000-000000000000',
      metadata: { title: 'SP 800-63-4 Conformance Criteria', 'last-modified': '2025-08-01T00:00:00Z', version: '0.1', 'oscal-version': '1.1.2', parties: [{ uuid: 'x', type: 'organization', name: 'NIST' }] },
      groups: [...groups.values()],
    },
  };
  // Summative and cross-reference assessment methods, as the real catalog has them.
  const control = (id: string): { parts: { name: string; parts?: { prose: string }[] }[] } =>
    [...groups.values()].flatMap((g) => g.controls as { id: string; parts: { name: string; parts?: { prose: string }[] }[] }[]).find((c) => c.id === id)!;
  control('DIRM-3').parts.find((p) => p.name === 'assessment-method')!.parts![0]!.prose = 'Satisfied by DIRM-1 and DIRM-2.';
  control('DOS-1a').parts.find((p) => p.name === 'assessment-method')!.parts![0]!.prose = 'See DIRM-1';
  control('PCT-3').parts.find((p) => p.name === 'assessment-method')!.parts![0]!.prose = 'Satisfied by NOPE-9';
  return catalog;
}

let catalog: Record<string, unknown>;
let result: OscalImportResult;
let pack: Pack;
let warnings: string[];
const c = (id: string): Criterion => pack.criteria.find((x) => x.id === id)!;

beforeAll(async () => {
  catalog = catalogFromTsv();
  result = importOscalCatalog(JSON.stringify(catalog, null, 2), { id: 'nist-800-63-4', version: '0.1.0' });
  if (!result.ok) throw new Error(JSON.stringify(result.problems.slice(0, 5)));
  const loaded = await loadPack(result.files);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems.slice(0, 5)));
  pack = loaded.pack;
  warnings = loaded.warnings.map((w) => w.message);
});

describe('OSCAL catalog import (NIST SP 800-63-4 conformance criteria shape)', () => {
  it('imports all 1,024 controls into four dimensions with the published group and method counts', () => {
    expect(result.ok && result.stats).toEqual({
      controls: 1024,
      byDimension: { GEN: 92, IAL: 269, AAL: 313, FAL: 350 },
      byMethod: { examine: 885, test: 314, interview: 75 },
    });
    expect(pack.criteria).toHaveLength(1024);
    expect(pack.dimensions.map((d) => `${d.id}:${d.kind}:${d.levels.map((l) => l.id).join('/')}`)).toEqual([
      'GEN:baseline:GEN',
      'IAL:assurance:IAL1/IAL2/IAL3',
      'AAL:assurance:AAL1/AAL2/AAL3',
      'FAL:assurance:FAL1/FAL2/FAL3',
    ]);
    expect(result.ok && result.files.map((f) => f.path)).toEqual(['pack.yaml', 'criteria/gen.yaml', 'criteria/ial.yaml', 'criteria/aal.yaml', 'criteria/fal.yaml']);
  });

  it('loads with the pack loader: no errors, and one "untranslated" warning per criterion (ja = en)', () => {
    expect(warnings).toHaveLength(1024);
    expect(warnings[0]).toBe('criterion DIRM-1: title, statement, guidance have identical ja and en text (untranslated?)');
    expect(pack.title).toEqual({ ja: 'SP 800-63-4 Conformance Criteria', en: 'SP 800-63-4 Conformance Criteria' });
    expect(pack.released).toBe('2025-08-01');
  });

  it('keeps irregular ids and their order, and the clause label as the reference', () => {
    const ids = pack.criteria.map((x) => x.id);
    expect(ids.slice(ids.indexOf('PCT-1'), ids.indexOf('PCT-1') + 3)).toEqual(['PCT-1', 'PCT-2a', 'PCT-1b']);
    expect(ids).toEqual(expect.arrayContaining(['SB-8.1', 'AAL3AVR-3.5']));
    expect(c('DIRM-1').references).toEqual([{ source: 'SP800-sp800-63base', clause: '3.0 #1', control: 'DIRM-1' }]);
    expect(c('SB-8.1').category).toBe('AAL-SB');
    expect(pack.categories.find((x) => x.id === 'GEN-DIRM')?.title.en).toBe('DIRM — Digital Identity Risk Management');
  });

  it('turns xal-level markings into levels, ALL, or tags — never a topic into a level', () => {
    const byLevels = (v: string): Criterion[] => {
      const ids = rows().filter((r) => r.levels === v).map((r) => r.id);
      return ids.map(c);
    };
    expect(byLevels('AAL2/AAl3').map((x) => x.levels)).toEqual([['AAL2', 'AAL3']]);
    expect(new Set(byLevels('FAL2/FAL3').map((x) => JSON.stringify(x.levels)))).toEqual(new Set(['["FAL2","FAL3"]']));
    expect(new Set(byLevels('AAL1/AAL2').map((x) => JSON.stringify(x.levels)))).toEqual(new Set(['["AAL1","AAL2"]']));
    expect(byLevels('IAL2').every((x) => JSON.stringify(x.levels) === '["IAL2"]')).toBe(true);
    // ALL on 660 controls; in assurance dimensions only ALL-marked controls are ALL without tags.
    const allMarked = pack.criteria.filter((x) => x.dimension !== 'GEN' && x.levels === 'ALL' && !x.tags);
    expect(allMarked).toHaveLength(660);
    // Topics are tags; a baseline dimension's criteria apply to its one level.
    expect(byLevels('IAL, AAL, FAL').map((x) => [x.levels, x.tags])).toEqual([['ALL', ['IAL', 'AAL', 'FAL']]]);
    expect(byLevels('IAL').map((x) => x.tags)).toEqual([['IAL'], ['IAL']]);
    expect(c('PCT-1').tags).toEqual(['Privacy', 'Customer Experience', 'Threat Resistance']);
    expect(c('DIRM-1')).toMatchObject({ levels: 'ALL', tags: ['DIRM'] });
    const syncable = byLevels('Syncable');
    expect(syncable).toHaveLength(13);
    expect(syncable.every((x) => x.dimension === 'AAL' && x.levels === 'ALL' && x.tags?.[0] === 'Syncable')).toBe(true);
    const levelIds = new Set(pack.dimensions.flatMap((d) => d.levels.map((l) => l.id)));
    for (const x of pack.criteria) if (x.levels !== 'ALL') for (const l of x.levels) expect(levelIds.has(l)).toBe(true);
    expect(result.ok && result.warnings.filter((w) => /has no level marking/.test(w.message))).toHaveLength(13 + 7);
  });

  it('splits target markings into roles', () => {
    const byTarget = (v: string): string[][] => rows().filter((r) => r.targets === v).map((r) => c(r.id).roles ?? []);
    expect(new Set(byTarget('CSP/IdP/RP').map((x) => x.join()))).toEqual(new Set(['CSP,IdP,RP']));
    expect(new Set(byTarget('RP, CSP').map((x) => x.join()))).toEqual(new Set(['RP,CSP']));
    expect(new Set(byTarget('CSP/IdP, RP').map((x) => x.join()))).toEqual(new Set(['CSP,IdP,RP']));
    expect(new Set(byTarget('Verifier/CSP').map((x) => x.join()))).toEqual(new Set(['Verifier,CSP']));
    expect(new Set(byTarget('RPs').map((x) => x.join()))).toEqual(new Set(['RP']));
    expect(pack.roles.map((r) => r.id).sort()).toEqual(['CSP', 'FederalAgency', 'FederationAuthority', 'IdP', 'Organization', 'RP', 'Verifier']);
    expect(pack.roles.find((r) => r.id === 'RP')?.title).toEqual({ en: 'Relying party (RP)', ja: '依拠当事者（RP）' });
  });

  it('maps parts: statement, objective and methods into guidance; "Satisfied by" and "See" into relations', () => {
    expect(c('DIRM-2')).toMatchObject({ methods: ['examine', 'interview'], obligation: 'SHALL' });
    expect(c('DIRM-2').statement.en).toBe('The CSP/IdP meets the requirement on digital identity risk management - csp/idp communication of normative deviations.');
    expect(c('DIRM-2').guidance.en.split('\n\n')).toEqual([
      'Objective: Determine whether the requirement on digital identity risk management - csp/idp communication of normative deviations is met.',
      'Guidance on digital identity risk management - csp/idp communication of normative deviations.',
      'EXAMINE: Evidence about digital identity risk management - csp/idp communication of normative deviations.',
      'INTERVIEW: Evidence about digital identity risk management - csp/idp communication of normative deviations.',
    ]);
    expect(c('DIRM-3').satisfiedBy).toEqual(['DIRM-1', 'DIRM-2']);
    expect(c('DOS-1a').crosswalk).toEqual([{ pack: 'nist-800-63-4', criterion: 'DIRM-1', relation: 'related' }]);
    expect(c('PCT-3').satisfiedBy).toBeUndefined();
    expect(c('PCT-3').guidance.en).toContain('Satisfied by NOPE-9.');
    expect(result.ok && result.warnings.map((w) => w.message)).toContain('"Satisfied by NOPE-9" names controls not in the catalog (NOPE-9): kept as guidance text');
  });

  it('reads the same catalog as YAML and produces the same pack', () => {
    const y = importOscalCatalog(stringify(catalog), { id: 'nist-800-63-4', version: '0.1.0' });
    expect(y.ok && y.files).toEqual(result.ok && result.files);
    expect(parse(result.ok ? result.files[1]!.text : '')).toHaveProperty('criteria');
  });
});

describe('OSCAL catalog import: unknown shapes are reported with their JSON path', () => {
  it('reports every problem of a malformed catalog precisely', () => {
    const bad = {
      catalog: {
        metadata: { title: 'Broken', published: '2025-01-01' },
        groups: [
          {
            id: 'sp800-63a',
            title: '63A',
            controls: [
              { id: 'IAL 2', title: 'Space in id' },
              {
                id: 'IAL2-9',
                title: 'Wrong dimension and method',
                props: [
                  { name: 'marking', value: 'FAL2', class: 'xal-level' },
                  { name: 'marking', value: 'CSP', class: 'audience' },
                  { name: 'label', value: 4 },
                ],
                parts: [
                  { name: 'statement', prose: 'x' },
                  { name: 'assessment-method', props: [{ name: 'method', value: 'ANALYZE' }] },
                  { name: 'assessment-method', prose: 'Look at it' },
                  { name: 'overview', prose: 'y' },
                ],
              },
            ],
          },
          { id: 'misc', title: 'Miscellaneous', controls: [] },
        ],
      },
    };
    const r = importOscalCatalog(JSON.stringify(bad), { id: 'x', version: '1.0.0' });
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      '$.catalog.groups[0].controls[0].id: control id "IAL 2" cannot be a criterion id (letters, digits, ".", "_", "-"; at most 64)',
      '$.catalog.groups[0].controls[1].props[1]: marking with unknown class "audience" (expected target or xal-level)',
      '$.catalog.groups[0].controls[1].props[2]: a prop needs a string name and value',
      '$.catalog.groups[0].controls[1].props[0]: level "FAL2" belongs to another dimension than IAL (group 63A)',
      '$.catalog.groups[0].controls[1].parts[1].props[0]: unknown assessment method "ANALYZE" (expected EXAMINE, INTERVIEW or TEST)',
      '$.catalog.groups[0].controls[1].parts[1]: assessment-method without a "method" prop (EXAMINE, INTERVIEW or TEST)',
      '$.catalog.groups[0].controls[1].parts[2]: assessment-method without a "method" prop (EXAMINE, INTERVIEW or TEST)',
      '$.catalog.groups[0].controls[1].parts[3]: part "overview" is not understood (expected statement, objective, assessment-method or guidance)',
      '$.catalog.groups[1]: cannot tell which dimension group "Miscellaneous" belongs to (expected 63Base, 63A, 63B or 63C in its id or title)',
    ]);
  });

  it('rejects other OSCAL models, bad options and hostile JSON', () => {
    const msg = (r: OscalImportResult): string[] => (r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.message}`));
    expect(msg(importOscalCatalog('{"profile": {}}', { id: 'x', version: '1.0.0' }))).toEqual(['$: this is an OSCAL profile, not a catalog']);
    expect(msg(importOscalCatalog('{}', { id: 'bad id', version: '1.0' }))).toEqual([
      '--id: "bad id" is not a valid pack id (letters, digits, ".", "_", "-")',
      '--version: "1.0" is not a semantic version such as 1.0.0',
    ]);
    expect(msg(importOscalCatalog('['.repeat(100000) + ']'.repeat(100000), { id: 'x', version: '1.0.0' }))).toEqual(['$: nesting deeper than 64 levels is not allowed']);
    expect(msg(importOscalCatalog('{"catalog": {"groups": [{"__proto__": {"x": 1}}]}}', { id: 'x', version: '1.0.0' }))).toEqual([
      '$.catalog.groups[0].__proto__: keys "__proto__", "constructor" and "prototype" are not allowed',
    ]);
    expect(msg(importOscalCatalog(Uint8Array.from([0xff, 0xfe, 0x00, 0x41]), { id: 'x', version: '1.0.0' }))).toEqual(['$: not UTF-8 text (is this a binary file?)']);
    expect(msg(importOscalCatalog('catalog: &a [*a]', { id: 'x', version: '1.0.0' }))).toEqual(['line 1, column 14: alias *a refers to a node that contains it (a cycle)']);
  });
});
