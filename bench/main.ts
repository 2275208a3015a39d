/**
 * `npm run bench` (node --expose-gc dist/bench.cjs [section...]): prints figures and ratios to
 * their targets, never pass/fail. Each section lives in its own file; add yours to the list
 * below on its own line.
 */
import type { BenchSection } from './harness';
import { intakeBench } from './intake';
import { packageBench } from './package';
import { packLoadBench } from './packs';
import { reportsBench } from './reports';
import { scoringBench } from './scoring';
import { storageBench } from './storage';
import { uiBench } from './ui';

const sections: BenchSection[] = [
  scoringBench,
  packLoadBench,
  storageBench,
  reportsBench,
  packageBench,
  intakeBench,
  uiBench,
];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !sections.some((s) => s.name === w));
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown section ${unknown.join(', ')}; sections: ${sections.map((s) => s.name).join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  const print = (line: string) => process.stdout.write(`${line}\n`);
  print(`TF Assessor bench — node ${process.version}, ${process.platform}/${process.arch}${typeof (globalThis as { gc?: unknown }).gc === 'function' ? '' : ' (run with --expose-gc for steadier figures)'}`);
  for (const s of sections) {
    if (wanted.length > 0 && !wanted.includes(s.name)) continue;
    print('');
    await s.run(print);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
