/**
 * CRASH TEST. A child process edits one workspace in a loop, printing "ack <seq>" each time
 * apply() resolves; the test kills it with SIGKILL at random moments — while it starts,
 * opens, recovers, appends to the journal, copies evidence, saves snapshots — then opens
 * the workspace itself and checks that it is valid and holds every acknowledged change,
 * value for value, against an independent model of the edit script.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Assessment, type Assessment as AssessmentT } from '../assessment/schema';
import { applyChange } from '../assessment/ops';
import { sampleInit } from '../assessment/test-fixtures';
import { bundleChild } from './__crash__/bundle';
import { crashStep, stepAsChange } from './__crash__/script';
import { createWorkspace, openWorkspace } from './workspace';
import { verifyBlob } from './evidence';

const KILLS = 220;
const FIXED_TIME = '2025-01-01T00:00:00.000Z';

let root: string;
let child: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'tfa-crash-'));
  child = await bundleChild(root);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Run {
  lastAck: number;
  opened: boolean;
  stderr: string;
  exitSignal: NodeJS.Signals | null;
  exitCode: number | null;
}

/** Starts the child and kills it after `delayMs` from start, or `delayMs` after `acks` acknowledgements. */
function runAndKill(dir: string, sources: string, plan: { acks: number; delayMs: number }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, 'crash-loop', dir, sources], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TFA_CRASH_SNAPSHOT_MS: String(Math.floor(Math.random() * 20)) },
    });
    const run: Run = { lastAck: -1, opened: false, stderr: '', exitSignal: null, exitCode: null };
    let acks = 0;
    let buffered = '';
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    const kill = () => {
      killTimer ??= setTimeout(() => proc.kill('SIGKILL'), plan.delayMs);
    };
    const guard = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`child made no progress in 10 s (acks ${acks}): ${run.stderr}`));
    }, 10_000);
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.startsWith('ack ')) {
          run.lastAck = Number(line.slice(4));
          acks += 1;
          if (plan.acks > 0 && acks >= plan.acks) kill();
        } else if (line.startsWith('open ')) {
          run.opened = true;
        }
      }
    });
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (chunk: string) => (run.stderr += chunk));
    if (plan.acks === 0) kill();
    // 'close': the process is gone (and reaped, so its pid is dead) and its output fully read.
    proc.on('close', (code, signal) => {
      clearTimeout(guard);
      clearTimeout(killTimer);
      run.exitCode = code;
      run.exitSignal = signal;
      resolve(run);
    });
  });
}

/** Only what the edit script decides; capture times depend on the clock. */
function comparable(a: AssessmentT) {
  return {
    service: a.service,
    criteria: a.criteria,
    findings: a.findings,
    evidence: Object.fromEntries(
      Object.entries(a.evidence).map(([hash, e]) => [
        hash,
        { ...e, capturedAt: FIXED_TIME, recaptures: e.recaptures?.map((r) => ({ ...r, capturedAt: FIXED_TIME })) },
      ]),
    ),
  };
}

interface Stats {
  kills: number;
  killedBeforeOpen: number;
  killedAfterAcks: number;
  acknowledged: number;
  unacknowledgedKept: number;
  replays: number;
  staleLocks: number;
  tornTails: number;
}

/** One workspace, `kills` child processes killed one after the other, each followed by a check. */
async function killLoop(name: string, kills: number, stats: Stats): Promise<number> {
  const dir = join(root, name);
  const sources = join(root, `${name}-sources`);
  mkdirSync(sources, { recursive: true });
  await createWorkspace(dir, sampleInit(), { actor: 'setup', id: `crash-test-${name}` });
  const initial = await openWorkspace(dir, { actor: 'setup' });
  let model = initial.assessment;
  await initial.close();

  let lastAcked = 0;
  for (let i = 0; i < kills; i++) {
    // A third of the kills come early (start-up, lock, recovery); the rest after a few
    // acknowledgements, 0–3 ms into the next change.
    const early = i % 3 === 0;
    const plan = early ? { acks: 0, delayMs: 5 + Math.floor(Math.random() * 76) } : { acks: 1 + Math.floor(Math.random() * 25), delayMs: Math.floor(Math.random() * 4) };
    const run = await runAndKill(dir, sources, plan);
    if (run.exitSignal !== 'SIGKILL') throw new Error(`child ended by itself (code ${run.exitCode}): ${run.stderr}`);
    stats.kills += 1;
    if (!run.opened) stats.killedBeforeOpen += 1;
    else if (run.lastAck >= 0) stats.killedAfterAcks += 1;
    if (run.lastAck > lastAcked) {
      stats.acknowledged += run.lastAck - lastAcked;
      lastAcked = run.lastAck;
    }

    // assessment.json is readable and valid at every moment, before any recovery runs.
    const onDisk = Assessment.safeParse(JSON.parse(readFileSync(join(dir, 'assessment.json'), 'utf8')));
    expect(onDisk.success, `${name}: assessment.json after kill ${i + 1}`).toBe(true);

    const ws = await openWorkspace(dir, { actor: 'verifier', snapshotDelayMs: 60_000 });
    const state = ws.assessment;
    expect(Assessment.safeParse(state).success).toBe(true);
    expect(state.revision, `${name} kill ${i + 1}: revision ${state.revision} lost acknowledged change ${lastAcked}`).toBeGreaterThanOrEqual(lastAcked);
    if (ws.recovery.tornTail) stats.tornTails += 1;
    if (ws.recovery.replayed > 0) stats.replays += 1;
    if (ws.recovery.staleLock) stats.staleLocks += 1;
    // A change written but killed before its "ack" line may be there — at most one.
    expect(state.revision - lastAcked).toBeLessThanOrEqual(1);
    if (state.revision > lastAcked) stats.unacknowledgedKept += 1;

    // The model: the edit script folded from the last checked revision to this one.
    for (let seq = model.revision + 1; seq <= state.revision; seq++) {
      model = applyChange(model, stepAsChange(crashStep(seq), FIXED_TIME), { at: FIXED_TIME, actor: 'model', seq }).assessment;
    }
    expect(comparable(state)).toEqual(comparable(model));
    lastAcked = state.revision;

    for (const hash of Object.keys(state.evidence)) expect((await verifyBlob(dir, hash)).ok, `evidence ${hash}`).toBe(true);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(readdirSync(join(dir, 'evidence')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    if (i % 25 === 24 || i === kills - 1) {
      const journal = await ws.readJournal();
      expect(journal.map((e) => e.seq)).toEqual(Array.from({ length: state.revision + 1 }, (_, k) => k));
    }
    expect((await ws.close()).ok).toBe(true);
  }
  return model.revision;
}

describe('crash safety under kill -9', () => {
  it(`loses no acknowledged change and never leaves an unreadable assessment (${KILLS} kills)`, { timeout: 180_000 }, async () => {
    const stats: Stats = { kills: 0, killedBeforeOpen: 0, killedAfterAcks: 0, acknowledged: 0, unacknowledgedKept: 0, replays: 0, staleLocks: 0, tornTails: 0 };
    const started = performance.now();
    // Two workspaces side by side: each child runs on the core the other is not checking on.
    const revisions = await Promise.all([killLoop('a', KILLS / 2, stats), killLoop('b', KILLS / 2, stats)]);
    const seconds = (performance.now() - started) / 1000;
    console.log(`crash test: ${JSON.stringify(stats)}; final revisions ${revisions.join(', ')}; ${seconds.toFixed(1)} s`);
    expect(stats.kills).toBeGreaterThanOrEqual(200);
    expect(stats.killedAfterAcks).toBeGreaterThan(100);
    expect(stats.staleLocks).toBeGreaterThan(100);
    expect(Math.min(...revisions)).toBeGreaterThan(500);
  });
});
