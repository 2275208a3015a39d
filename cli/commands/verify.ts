/**
 * `tf-assessor verify <pkg>...`: the certification body's intake check of submission packages
 * (core/node/intake.ts), several at a time. Exit 0 when every package is valid, 1 when any is
 * not, 2 for a usage error. Output: one block per package (one line per check), or `--json`
 * (one JSON array, an object per package in argument order), and optionally `--junit <file>`
 * (a testsuite per package, a testcase per check) for CI systems.
 */
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../../core/node/atomic-file';
import { INTAKE_CHECK_IDS, type IntakeReport } from '../../core/node/intake';
import { verifyIntakesParallel } from '../../core/node/intake-pool';
import { defaultPackRoots } from '../../core/node/packs';
import { readTrustAnchors } from '../../core/node/signing-files';
import { printableName } from '../../core/package/names';
import { CliError, type CliCommand, type CliContext } from '../context';

const USAGE = 'verify <pkg>... [--trust <ca.pem>]... [--json] [--junit <file>]';

export interface VerifyArgs {
  packages: string[];
  trust: string[];
  json: boolean;
  junit?: string;
}

/** Parses the command's arguments; usage errors exit 2. */
export function parseVerifyArgs(argv: readonly string[]): VerifyArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        trust: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        junit: { type: 'string' },
      },
    });
  } catch (e) {
    throw new CliError(`${e instanceof Error ? e.message : String(e)}; usage: tf-assessor ${USAGE}`, 2);
  }
  if (parsed.positionals.length === 0) throw new CliError(`give at least one package; usage: tf-assessor ${USAGE}`, 2);
  const out: VerifyArgs = { packages: parsed.positionals, trust: parsed.values.trust ?? [], json: parsed.values.json ?? false };
  if (parsed.values.junit !== undefined) {
    if (parsed.values.junit === '') throw new CliError('--junit needs a file name', 2);
    out.junit = parsed.values.junit;
  }
  return out;
}

// ---- JUnit XML ----------------------------------------------------------------------------

/**
 * Text safe in XML 1.0 content and attribute values: characters XML cannot hold at all (most
 * controls, lone surrogates, U+FFFE/U+FFFF) become visible `\u{…}` escapes, markup characters
 * become entities, and line breaks in attributes are kept as character references.
 */
export function xmlEscape(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, (c) => `\\u{${c.charCodeAt(0).toString(16).toUpperCase()}}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

/** JUnit XML: `<testsuites>`, a `<testsuite>` per package, a `<testcase>` per check. */
export function junitXml(reports: readonly IntakeReport[], seconds: readonly number[]): string {
  const count = (r: IntakeReport, s: string) => r.checks.filter((c) => c.status === s).length;
  const total = reports.reduce((n, r) => n + r.checks.length, 0);
  const failures = reports.reduce((n, r) => n + count(r, 'failed'), 0);
  const skipped = reports.reduce((n, r) => n + count(r, 'skipped'), 0);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="tf-assessor verify" tests="${total}" failures="${failures}" errors="0" skipped="${skipped}">`,
  ];
  reports.forEach((r, i) => {
    const name = xmlEscape(printableName(r.package));
    out.push(`  <testsuite name="${name}" tests="${r.checks.length}" failures="${count(r, 'failed')}" errors="0" skipped="${count(r, 'skipped')}" time="${(seconds[i] ?? 0).toFixed(3)}">`);
    for (const c of r.checks) {
      const head = `    <testcase classname="${name}" name="${xmlEscape(c.id)}"`;
      // Reasons quote names from the package: invisible and control characters made visible first.
      const reason = xmlEscape(printableName(c.reason));
      if (c.status === 'passed') out.push(`${head}>`, `      <system-out>${reason}</system-out>`, '    </testcase>');
      else if (c.status === 'failed') out.push(`${head}>`, `      <failure message="${reason}" type="${xmlEscape(c.id)}">${reason}</failure>`, '    </testcase>');
      else out.push(`${head}>`, `      <skipped message="${reason}"/>`, '    </testcase>');
    }
    out.push('  </testsuite>');
  });
  out.push('</testsuites>', '');
  return out.join('\n');
}

// ---- output for people and scripts --------------------------------------------------------

const WIDTH = Math.max(...INTAKE_CHECK_IDS.map((id) => id.length));

/** One block per package: `valid:`/`invalid:` and the package, then one line per check. */
export function humanReport(r: IntakeReport): string {
  const lines = [`${r.ok ? 'valid' : 'invalid'}: ${printableName(r.package)}`];
  for (const c of r.checks) lines.push(`  ${c.status.padEnd(7)} ${c.id.padEnd(WIDTH)}  ${printableName(c.reason)}`);
  return `${lines.join('\n')}\n`;
}

/** The `--json` object of one package. */
export function jsonReport(r: IntakeReport): Record<string, unknown> {
  return {
    package: r.package,
    valid: r.ok,
    ...(r.manifest && { pack: r.manifest.pack, organization: r.manifest.organization, createdAt: r.manifest.createdAt, createdBy: r.manifest.createdBy }),
    signer: r.signature?.signer ?? null,
    ...(r.levels && { levels: r.levels }),
    checks: r.checks.map((c) => ({ id: c.id, status: c.status, reason: c.reason, ...(c.details && { details: c.details }) })),
  };
}

async function run(ctx: CliContext): Promise<number> {
  const args = parseVerifyArgs(ctx.argv);
  let trustAnchors: Uint8Array[];
  try {
    trustAnchors = await readTrustAnchors(args.trust.map((t) => resolve(ctx.cwd, t)));
  } catch (e) {
    throw new CliError(`--trust: ${e instanceof Error ? e.message : String(e)}`, 2);
  }
  const junitPath = args.junit !== undefined ? resolve(ctx.cwd, args.junit) : undefined;
  if (junitPath) {
    const parent = await stat(dirname(junitPath)).catch(() => null);
    if (!parent?.isDirectory()) throw new CliError(`--junit: the folder ${dirname(args.junit!)} does not exist`, 2);
  }
  if (trustAnchors.length === 0) ctx.stderr('warning: no --trust certificate given: no signature can be trusted, so no package can be valid\n');

  const paths = args.packages.map((p) => resolve(ctx.cwd, p));
  const seconds: number[] = new Array<number>(paths.length).fill(0);
  const started = performance.now();
  // One worker thread per core (the bundled intake-worker.cjs beside dist/cli.cjs): CMS, PDF
  // signature checks and rescoring are CPU work that one thread cannot spread.
  const reports = await verifyIntakesParallel(paths, {
    trustAnchors,
    trustedPacks: defaultPackRoots(ctx.env),
    workers: availableParallelism(),
    workerScript: join(__dirname, 'intake-worker.cjs'),
  });
  // Per-package times are not separable under concurrency: each suite gets the batch average.
  seconds.fill((performance.now() - started) / 1000 / Math.max(1, paths.length));
  // Reports name packages as the user gave them.
  reports.forEach((r, i) => (r.package = args.packages[i]!));

  if (args.json) ctx.stdout(`${JSON.stringify(reports.map(jsonReport), null, 2)}\n`);
  else {
    const valid = reports.filter((r) => r.ok).length;
    ctx.stdout(reports.map(humanReport).join('\n') + (reports.length > 1 ? `\n${valid} of ${reports.length} packages valid\n` : ''));
  }
  if (junitPath) {
    try {
      await writeFileAtomic(junitPath, junitXml(reports, seconds), { mode: 0o644 });
    } catch (e) {
      throw new CliError(`--junit: cannot write ${args.junit}: ${e instanceof Error ? e.message : String(e)}`, 1);
    }
  }
  return reports.every((r) => r.ok) ? 0 : 1;
}

export const verifyCommand: CliCommand = {
  name: 'verify',
  usage: USAGE,
  summary: 'verify submission packages (signature, contents, pack, recomputed levels, report signatures): exit 0 all valid, 1 any invalid',
  run,
};
