/**
 * A child process for the storage tests, bundled by the tests with esbuild.
 *
 *   crash-loop <workspace> <source-dir>  applies crashStep(seq) forever, printing "ack <seq>"
 *                                        after each apply() resolves, until killed
 *   add-evidence <workspace> <file>      adds one file, prints "added <hash> <maxRSS bytes>"
 *   hold <workspace>                     opens and holds the workspace until stdin closes,
 *                                        printing "opened" or "locked <message>"
 */
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openWorkspace } from '../workspace';
import { CRASH_ACTOR, crashStep } from './script';

// Pipes to a parent are synchronous on POSIX: once write() returns, the parent can read it.
const say = (line: string) => process.stdout.write(`${line}\n`);

async function crashLoop(dir: string, sourceDir: string): Promise<void> {
  const ws = await openWorkspace(dir, {
    actor: CRASH_ACTOR,
    snapshotDelayMs: Number(process.env.TFA_CRASH_SNAPSHOT_MS ?? '5'),
    snapshotMaxDelayMs: 50,
  });
  say(`open ${ws.assessment.revision}`);
  for (;;) {
    const seq = ws.status().revision + 1;
    const step = crashStep(seq);
    let result;
    if (step.kind === 'evidence') {
      const source = join(sourceDir, `${step.key}.jpg`);
      if (!existsSync(source)) {
        // Temp + rename: a kill must never leave a half-written source for the next child.
        writeFileSync(`${source}.${process.pid}.part`, step.content);
        renameSync(`${source}.${process.pid}.part`, source);
      }
      result = await ws.addEvidence(source, { name: step.name, mediaType: 'image/jpeg', criteria: step.criteria });
    } else {
      result = await ws.apply(step.change);
    }
    if (!result.ok) {
      process.stderr.write(`seq ${seq}: ${result.error.message}\n`);
      process.exit(2);
    }
    say(`ack ${seq}`);
  }
}

async function addEvidence(dir: string, file: string): Promise<void> {
  const ws = await openWorkspace(dir, { actor: 'memory-check' });
  const before = process.resourceUsage().maxRSS * 1024;
  const started = performance.now();
  const r = await ws.addEvidence(file);
  const ms = performance.now() - started;
  if (!r.ok) throw r.error;
  await ws.close();
  say(`added ${r.value.hash} ${process.resourceUsage().maxRSS * 1024} ${before} ${ms.toFixed(1)}`);
}

async function hold(dir: string): Promise<void> {
  try {
    const ws = await openWorkspace(dir, { actor: `holder-${process.pid}` });
    say('opened');
    process.stdin.resume();
    await new Promise((resolve) => process.stdin.on('end', resolve));
    await ws.close();
  } catch (err) {
    say(`locked ${(err as Error).message}`);
  }
}

async function main(): Promise<void> {
  const [mode, a, b] = process.argv.slice(2);
  if (mode === 'crash-loop' && a && b) return crashLoop(a, b);
  if (mode === 'add-evidence' && a && b) return addEvidence(a, b);
  if (mode === 'hold' && a) return hold(a);
  throw new Error(`usage: child crash-loop|add-evidence|hold <workspace> [arg]`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
