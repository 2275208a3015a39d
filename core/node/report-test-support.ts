/**
 * Shared by the report tests (not shipped): the real jp-idtf 2.0.0 pack and the default
 * template read from the repository, loaded once per test file.
 */
import { join, resolve } from 'node:path';
import type { Pack } from '../criteria/schema';
import type { ReportTemplate } from '../reports/template';
import { readPackDir } from './packs';
import { readTemplate } from './report-template';

export const REPO = resolve(__dirname, '../..');
export const JP_IDTF_2 = join(REPO, 'criteria/jp-idtf/2.0.0');
export const DEFAULT_TEMPLATE_DIR = join(REPO, 'templates/default');
export const FONTS_DIR = join(REPO, 'templates/fonts');

export async function loadJpIdtf(): Promise<Pack> {
  const r = await readPackDir(JP_IDTF_2);
  if (!r.ok) throw new Error(`jp-idtf 2.0.0 does not load: ${r.problems.map((p) => p.message).join('; ')}`);
  return r.pack;
}

export function loadDefaultTemplate(): Promise<ReportTemplate> {
  return readTemplate(DEFAULT_TEMPLATE_DIR);
}
