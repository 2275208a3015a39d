/**
 * The verification report of one package: a fixed list of checks with stable ids (scripts,
 * JUnit output and the UI key on them), each passed, failed or skipped with one line saying
 * why. A package is valid only when every check passed; a skipped check is one that could not
 * be run safely, never a pass.
 */
import type { Manifest } from './manifest';
import type { SignatureCheck } from './signature';

export const CHECK_IDS = [
  /** The archive itself: readable, untruncated, CRCs, headers consistent and in the form the writer produces. */
  'zip-structure',
  /** Every entry name is a safe relative path, unique even on case-insensitive, normalising file systems. */
  'entry-names',
  /** Every entry is a regular file: no symlinks, folders, devices. */
  'entry-types',
  /** Entry count, sizes and compression ratios, counted while inflating. */
  'entry-limits',
  'manifest-present',
  /** manifest.json is bounded, canonical, schema-valid JSON. */
  'manifest-schema',
  /** Every file is listed with its exact size and SHA-256; nothing is missing or extra. */
  'files-match-manifest',
  /** manifest.json.p7s is a valid signature over manifest.json by a trusted signer. */
  'signature',
] as const;
export type CheckId = (typeof CHECK_IDS)[number];
export type CheckStatus = 'passed' | 'failed' | 'skipped';

export interface PackageCheck {
  id: CheckId;
  status: CheckStatus;
  reason: string;
  details?: Record<string, unknown>;
}

export interface PackageEntry {
  /** The entry name (made printable when it is not a safe name). */
  path: string;
  /** Bytes counted while reading (the declared size when the entry was not read). */
  size: number;
  compressedSize: number;
  method: 'stored' | 'deflated' | 'other';
  /** SHA-256 of the content, when it was read to the end. */
  sha256?: string;
}

export interface PackageReport {
  ok: boolean;
  /** The package file as given. */
  package: string;
  checks: PackageCheck[];
  /** The manifest, when it was read and valid (authentic only if `signature` passed). */
  manifest?: Manifest;
  entries: PackageEntry[];
  /** What the signature verifier said, when it ran. */
  signature?: SignatureCheck;
}

const PASSED: Record<CheckId, string> = {
  'zip-structure': 'the archive is intact and in the form TF Assessor writes',
  'entry-names': 'every entry name is a safe, unique relative path',
  'entry-types': 'every entry is a regular file',
  'entry-limits': 'entry count, sizes and compression ratios are within the limits',
  'manifest-present': 'manifest.json is present',
  'manifest-schema': 'manifest.json is valid',
  'files-match-manifest': 'every file matches the manifest; none is missing or extra',
  signature: 'the manifest signature is valid',
};

/** Collects check outcomes while a package is read; failures accumulate, the first one is the reason. */
export class ReportBuilder {
  private readonly failures = new Map<CheckId, { problems: string[]; more: number; details: Record<string, unknown> }>();
  private readonly outcomes = new Map<CheckId, { status: CheckStatus; reason: string; details?: Record<string, unknown> }>();
  /** Set when reading stopped early: every check without an outcome is skipped for this reason. */
  aborted: string | undefined;

  constructor(private readonly maxProblems = 100) {}

  /** Records a problem under a check (the check fails). `details` are merged into the check's details. */
  fail(id: CheckId, problem: string, details?: Record<string, unknown>): void {
    let f = this.failures.get(id);
    if (!f) {
      f = { problems: [], more: 0, details: {} };
      this.failures.set(id, f);
    }
    if (f.problems.length < this.maxProblems) f.problems.push(problem);
    else f.more++;
    if (details) Object.assign(f.details, details);
  }

  pass(id: CheckId, reason: string = PASSED[id], details?: Record<string, unknown>): void {
    this.outcomes.set(id, { status: 'passed', reason, ...(details && { details }) });
  }

  skip(id: CheckId, reason: string): void {
    this.outcomes.set(id, { status: 'skipped', reason });
  }

  failed(id: CheckId): boolean {
    return this.failures.has(id);
  }

  build(pkg: string, rest: { manifest?: Manifest; entries: PackageEntry[]; signature?: SignatureCheck }): PackageReport {
    const checks: PackageCheck[] = CHECK_IDS.map((id) => {
      const f = this.failures.get(id);
      if (f) {
        const total = f.problems.length + f.more;
        const reason = total > 1 ? `${f.problems[0]} (and ${total - 1} more)` : f.problems[0]!;
        const details: Record<string, unknown> = { ...f.details };
        if (total > 1) details.problems = f.more > 0 ? [...f.problems, `… and ${f.more} more`] : f.problems;
        return { id, status: 'failed', reason, ...(Object.keys(details).length > 0 && { details }) };
      }
      const o = this.outcomes.get(id);
      if (o) return { id, ...o };
      if (this.aborted !== undefined) return { id, status: 'skipped', reason: `not checked: ${this.aborted}` };
      return { id, status: 'passed', reason: PASSED[id] };
    });
    return {
      ok: checks.every((c) => c.status === 'passed'),
      package: pkg,
      checks,
      ...(rest.manifest && { manifest: rest.manifest }),
      entries: rest.entries,
      ...(rest.signature && { signature: rest.signature }),
    };
  }
}

/** One line for a person: `valid: <pkg> (signed by …)` or `invalid: <pkg>: <check>: <reason>`. */
export function summarizeReport(report: PackageReport): string {
  if (report.ok) return `valid: ${report.package}${report.signature ? ` — ${report.signature.reason}` : ''}`;
  const first = report.checks.find((c) => c.status === 'failed') ?? report.checks.find((c) => c.status !== 'passed');
  return `invalid: ${report.package}: ${first ? `${first.id}: ${first.reason}` : 'not verified'}`;
}
