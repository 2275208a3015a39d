/** Semantic versions as packs use them: MAJOR.MINOR.PATCH with an optional pre-release. */
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

/** True for a strict semantic version such as `1.0.0` or `2.0.0-rc.1`. */
export function isSemVer(v: string): boolean {
  return SEMVER.test(v);
}

/**
 * Orders two semantic versions (semver.org §11): negative when a < b. Invalid versions sort
 * after valid ones, by plain string order, so a listing stays total and deterministic.
 */
export function compareSemVer(a: string, b: string): number {
  const ma = SEMVER.exec(a);
  const mb = SEMVER.exec(b);
  if (!ma || !mb) return ma ? -1 : mb ? 1 : a < b ? -1 : a > b ? 1 : 0;
  for (let i = 1; i <= 3; i++) {
    const d = Number(ma[i]) - Number(mb[i]);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  const pa = ma[4];
  const pb = mb[4];
  if (pa === undefined || pb === undefined) return pa === pb ? 0 : pa === undefined ? 1 : -1;
  const xa = pa.split('.');
  const xb = pb.split('.');
  for (let i = 0; i < Math.max(xa.length, xb.length); i++) {
    const s = xa[i];
    const t = xb[i];
    if (s === undefined) return -1;
    if (t === undefined) return 1;
    const ns = /^\d+$/.test(s);
    const nt = /^\d+$/.test(t);
    if (ns && nt) {
      const d = Number(s) - Number(t);
      if (d !== 0) return d < 0 ? -1 : 1;
    } else if (ns !== nt) return ns ? -1 : 1;
    else if (s !== t) return s < t ? -1 : 1;
  }
  return 0;
}
