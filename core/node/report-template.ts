/**
 * Disk adapter for report templates: finds the built-in templates folder (and the fonts that
 * ship with it) and reads a template folder — `template.yaml` plus an optional logo — with
 * size limits and path containment, since a template may come from a certification body.
 */
import { existsSync, statSync } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Problem } from '../criteria/problems';
import { TEMPLATE_FILE, TEMPLATE_LIMITS, TemplateError, inspectImage, parseTemplate, type ReportTemplate } from '../reports/template';

/** Folder of the fonts PDF reports embed, inside the templates folder. */
export const FONTS_DIR = 'fonts';
export const DEFAULT_TEMPLATE = 'default';

/**
 * The built-in `templates/` folder: `$TFA_TEMPLATES_DIR` when set; in the packaged app
 * resources/templates; otherwise `templates/` (recognized by default/template.yaml) one level
 * up from the bundled CLI (dist/), two from the main bundle (out/main/) and from the sources
 * (core/node/). Undefined when none exists.
 */
export function builtinTemplatesDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates: string[] = [];
  if (env.TFA_TEMPLATES_DIR) candidates.push(resolve(env.TFA_TEMPLATES_DIR));
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath;
  if (resourcesPath) candidates.push(join(resourcesPath, 'templates'));
  const here = typeof __dirname === 'string' ? __dirname : undefined;
  if (here) candidates.push(join(here, '..', 'templates'), join(here, '..', '..', 'templates'));
  for (const c of candidates) {
    try {
      if (statSync(c).isDirectory() && existsSync(join(c, DEFAULT_TEMPLATE, TEMPLATE_FILE))) return c;
    } catch {
      // try the next candidate
    }
  }
  return undefined;
}

/** The fonts folder of the built-in templates. */
export function reportFontsDir(env: NodeJS.ProcessEnv = process.env): string {
  const root = builtinTemplatesDir(env);
  if (!root) throw new Error('The report templates folder was not found: reinstall TF Assessor or set TFA_TEMPLATES_DIR to a folder holding default/template.yaml and fonts/');
  return join(root, FONTS_DIR);
}

const problem = (file: string, message: string, at: { line: number; col: number } = { line: 1, col: 1 }): Problem => ({ file, line: at.line, col: at.col, message });

function inside(root: string, p: string): boolean {
  const r = relative(root, p);
  return r !== '' && r !== '..' && !r.startsWith('..' + sep) && !isAbsolute(r);
}

/** Reads a regular file of at most `max` bytes inside `root` (symlinks that leave it are refused). */
async function readConfined(root: string, rel: string, max: number): Promise<Uint8Array | string> {
  const rootReal = await realpath(root);
  let real: string;
  try {
    real = await realpath(resolve(rootReal, rel));
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot open it (${(e as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  if (!inside(rootReal, real)) return 'it resolves outside the template folder (symbolic link?)';
  const st = await stat(real);
  if (!st.isFile()) return 'not a regular file';
  if (st.size > max) return `the file is ${(st.size / 1024).toFixed(0)} KiB; the limit is ${max / 1024} KiB`;
  const fh = await open(real, 'r');
  try {
    const buf = Buffer.alloc(Math.min(st.size, max) + 1);
    let n = 0;
    while (n < buf.length) {
      const { bytesRead } = await fh.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    if (n > max) return `the file is larger than ${max / 1024} KiB`;
    return new Uint8Array(buf.buffer, buf.byteOffset, n);
  } finally {
    await fh.close();
  }
}

/**
 * Reads and validates a template: a folder holding `template.yaml`, or the path of the
 * template file itself. The logo, when named, is read from the same folder.
 * @throws TemplateError whose message is `<file>:<line>:<col>: <field>: <what to fix>`.
 */
export async function readTemplate(path: string): Promise<ReportTemplate> {
  const abs = resolve(path);
  let dir = abs;
  let name = TEMPLATE_FILE;
  try {
    if ((await stat(abs)).isFile()) {
      dir = resolve(abs, '..');
      name = relative(dir, abs);
    }
  } catch {
    throw new TemplateError([problem(abs, 'the template folder does not exist: pass a folder holding template.yaml (see templates/default)')]);
  }
  const file = join(dir, name);
  const bytes = await readConfined(dir, name, TEMPLATE_LIMITS.maxFileBytes);
  if (typeof bytes === 'string') {
    throw new TemplateError([problem(file, bytes === 'file not found' ? `no ${TEMPLATE_FILE} here: a template folder holds ${TEMPLATE_FILE} (see templates/default)` : `cannot read the template: ${bytes}`)]);
  }
  const parsed = parseTemplate(file, bytes);
  if (!parsed.ok) throw new TemplateError(parsed.problems);
  const template: ReportTemplate = { source: file, spec: parsed.spec };
  const logo = parsed.spec.branding.logo;
  if (logo !== undefined) {
    const at = parsed.locate(['branding', 'logo']);
    const data = await readConfined(dir, logo, TEMPLATE_LIMITS.maxLogoBytes);
    if (typeof data === 'string') throw new TemplateError([problem(file, `branding.logo: cannot read ${logo}: ${data}`, at)]);
    const image = inspectImage(data);
    if (typeof image === 'string') throw new TemplateError([problem(file, `branding.logo: ${image}`, at)]);
    template.logo = image;
  }
  return template;
}

/** The built-in default template. */
export async function readDefaultTemplate(env: NodeJS.ProcessEnv = process.env): Promise<ReportTemplate> {
  const root = builtinTemplatesDir(env);
  if (!root) throw new Error('The report templates folder was not found: reinstall TF Assessor or set TFA_TEMPLATES_DIR to a folder holding default/template.yaml and fonts/');
  return readTemplate(join(root, DEFAULT_TEMPLATE));
}
