import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packJsonSchema, packJsonSchemaText } from './json-schema';

describe('pack JSON Schema', () => {
  it('the committed criteria/schema/pack.schema.json is up to date (run `node scripts/gen-pack-schema.mjs`)', () => {
    const committed = readFileSync(join(__dirname, '../../criteria/schema/pack.schema.json'), 'utf8');
    expect(committed).toBe(packJsonSchemaText());
  });

  it('defines the three pack file kinds, dispatches on their keys and describes authored input', () => {
    const s = packJsonSchema() as { $defs: Record<string, { required?: string[]; properties?: Record<string, unknown> }>; if: unknown; then: unknown };
    expect(Object.keys(s.$defs)).toEqual(['Condition', 'CriteriaFile', 'Localized', 'PackManifest', 'PackMapping']);
    expect(s.if).toEqual({ type: 'object', required: ['criteria'] });
    expect(s.then).toEqual({ $ref: '#/$defs/CriteriaFile' });
    // Defaults make fields optional for authors.
    expect(s.$defs.PackManifest!.required).not.toContain('capabilities');
    expect(JSON.stringify(s.$defs.Condition)).toContain('"$ref":"#/$defs/Condition"');
  });
});
