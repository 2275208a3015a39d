/**
 * What every bench section shares: timing with percentiles, and plain output. Benches print
 * figures and their ratio to a target; they never pass or fail (machines differ too much).
 */

export interface BenchSection {
  /** Short name, also accepted on the command line to run only some sections. */
  name: string;
  run(print: (line: string) => void): Promise<void> | void;
}

export interface Timing {
  runs: number;
  median: number;
  p95: number;
  min: number;
}

const gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

/** Collects garbage if node runs with --expose-gc, so one series does not pay for the last. */
export function collectGarbage(): void {
  gc?.();
}

function percentile(sorted: Float64Array, p: number): number {
  const k = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[k]!;
}

/**
 * Times `fn` `runs` times after `warmup` untimed calls; milliseconds. `setup` runs untimed
 * before each call (e.g. to pick the next edit).
 */
export function time(fn: () => void, opts: { runs: number; warmup?: number; setup?: () => void }): Timing {
  const { runs, warmup = Math.min(200, runs), setup } = opts;
  for (let k = 0; k < warmup; k++) {
    setup?.();
    fn();
  }
  collectGarbage();
  const samples = new Float64Array(runs);
  for (let k = 0; k < runs; k++) {
    setup?.();
    const t0 = process.hrtime.bigint();
    fn();
    samples[k] = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  samples.sort();
  return { runs, median: percentile(samples, 50), p95: percentile(samples, 95), min: samples[0]! };
}

/** `time` for async work (each call awaited in turn). */
export async function timeAsync(fn: () => Promise<unknown>, opts: { runs: number; warmup?: number }): Promise<Timing> {
  const { runs, warmup = Math.min(5, runs) } = opts;
  for (let k = 0; k < warmup; k++) await fn();
  collectGarbage();
  const samples = new Float64Array(runs);
  for (let k = 0; k < runs; k++) {
    const t0 = process.hrtime.bigint();
    await fn();
    samples[k] = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  samples.sort();
  return { runs, median: percentile(samples, 50), p95: percentile(samples, 95), min: samples[0]! };
}

export function ms(v: number): string {
  return v >= 10 ? `${v.toFixed(1)} ms` : v >= 0.1 ? `${v.toFixed(3)} ms` : `${(v * 1000).toFixed(1)} µs`;
}

/** One aligned line: label, median, p95, and the ratio to the target when there is one. */
export function row(label: string, t: Timing, targetMs?: number): string {
  const figures = `median ${ms(t.median).padStart(9)}   p95 ${ms(t.p95).padStart(9)}   (${t.runs} runs)`;
  const target = targetMs === undefined ? '' : `   target < ${ms(targetMs)}: median at ${(t.median / targetMs).toFixed(2)}× target, p95 at ${(t.p95 / targetMs).toFixed(2)}×`;
  return `  ${label.padEnd(44)} ${figures}${target}`;
}
