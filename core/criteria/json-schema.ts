/**
 * The JSON Schema of pack files, generated from the zod schema (the single source of truth)
 * and committed as criteria/schema/pack.schema.json for editors (yaml-language-server) and
 * other tools. `node scripts/gen-pack-schema.mjs` writes it; a unit test fails when stale.
 *
 * One file with `$defs` for the three kinds of pack file, and a top-level `if`/`then`
 * dispatch on the keys that tell them apart (`criteria:` → CriteriaFile, `entries:` →
 * PackMapping, otherwise PackManifest). Dispatch gives editors precise errors where a
 * `oneOf` would only say "matches none". A file can also point at one definition directly:
 * `# yaml-language-server: $schema=../../schema/pack.schema.json#/$defs/CriteriaFile`.
 * The schema describes the *authored* input (`io: 'input'`): fields with defaults are optional.
 */
import { z } from 'zod';
import { Condition, CriteriaFile, Localized, PACK_SCHEMA_ID, PackManifest, PackMapping } from './schema';

export const PACK_JSON_SCHEMA_ID = 'https://tf-assessor.invalid/schema/pack.schema.json';

/** Builds the pack JSON Schema (draft 2020-12). Deterministic: same zod schema, same output. */
export function packJsonSchema(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  registry.add(PackManifest, { id: 'PackManifest' });
  registry.add(CriteriaFile, { id: 'CriteriaFile' });
  registry.add(PackMapping, { id: 'PackMapping' });
  registry.add(Localized, { id: 'Localized' });
  registry.add(Condition, { id: 'Condition' });
  const { schemas } = z.toJSONSchema(registry, { io: 'input', target: 'draft-2020-12', uri: (id) => `#/$defs/${id}` });
  const defs: Record<string, unknown> = {};
  for (const name of Object.keys(schemas).sort()) {
    const { $schema: _s, $id: _i, ...rest } = schemas[name] as Record<string, unknown>;
    defs[name] = rest;
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: PACK_JSON_SCHEMA_ID,
    title: `TF Assessor criteria pack file (${PACK_SCHEMA_ID})`,
    description:
      'A pack folder criteria/<id>/<version>/ holds pack.yaml (PackManifest), the criteria files it lists (CriteriaFile) and an optional mapping.yaml (PackMapping). Generated from core/criteria/schema.ts; do not edit.',
    if: { type: 'object', required: ['criteria'] },
    then: { $ref: '#/$defs/CriteriaFile' },
    else: {
      if: { type: 'object', required: ['entries'] },
      then: { $ref: '#/$defs/PackMapping' },
      else: { $ref: '#/$defs/PackManifest' },
    },
    $defs: defs,
  };
}

/** The committed file's exact text: 2-space JSON and a final newline. */
export function packJsonSchemaText(): string {
  return JSON.stringify(packJsonSchema(), null, 2) + '\n';
}
