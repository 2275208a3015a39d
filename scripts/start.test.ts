// Runs scripts/start.mjs for real (as a child process) with the build skipped, and points
// the Electron package at stand-in runtimes, since the real one cannot run here.
import { spawnSync } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const START = path.resolve(__dirname, 'start.mjs');
const LINE =
  'TF Assessor: the Electron runtime is not available on this machine; run `npm run preview` to use the app in your browser instead.';

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'tfa-start-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function run(script: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [script], {
    encoding: 'utf8',
    env: { ...process.env, TFA_START_SKIP_BUILD: '1', ...env },
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, all: (r.stdout + r.stderr).trim() };
}

describe('npm start (scripts/start.mjs)', () => {
  it('without the Electron runtime: exactly one clear line, exit 1', () => {
    // The Electron package resolves its binary inside this (empty) folder.
    const r = run(START, { ELECTRON_OVERRIDE_DIST_PATH: tmp });
    expect(r.status).toBe(1);
    expect(r.all).toBe(LINE);
    expect(r.stderr.trim()).toBe(LINE);
  });

  it('when the runtime exists but cannot be started: the same line, no stack trace', async () => {
    await writeFile(path.join(tmp, 'electron'), 'not a program');
    await chmod(path.join(tmp, 'electron'), 0o644);
    const r = run(START, { ELECTRON_OVERRIDE_DIST_PATH: tmp });
    expect(r.status).toBe(1);
    expect(r.all).toBe(LINE);
  });

  it('when fetching the runtime fails noisily: the noise is swallowed, one line remains', async () => {
    // A copy of the script in a project whose electron package fails like a failed download.
    const project = path.join(tmp, 'project');
    await mkdir(path.join(project, 'scripts'), { recursive: true });
    await mkdir(path.join(project, 'node_modules', 'electron'), { recursive: true });
    await copyFile(START, path.join(project, 'scripts', 'start.mjs'));
    await writeFile(
      path.join(project, 'node_modules', 'electron', 'index.js'),
      "console.log('Downloading Electron binary...');\nthrow new Error('Electron failed to install correctly: getaddrinfo ENOTFOUND github.com');\n",
    );
    const r = run(path.join(project, 'scripts', 'start.mjs'));
    expect(r.status).toBe(1);
    expect(r.all).toBe(LINE);
    expect(r.all).not.toMatch(/ENOTFOUND|Downloading|\bat\b/);
  });

  it.runIf(process.platform !== 'win32')('with a runtime: launches it on the project folder (never as plain Node) and passes its exit code on', async () => {
    const fakeRuntime = path.join(tmp, 'electron');
    await writeFile(fakeRuntime, '#!/bin/sh\necho "launched $1 in $PWD run-as-node=${ELECTRON_RUN_AS_NODE:-unset}"\nexit 7\n');
    await chmod(fakeRuntime, 0o755);
    const r = run(START, { ELECTRON_OVERRIDE_DIST_PATH: tmp, ELECTRON_RUN_AS_NODE: '1' });
    expect(r.stdout.trim()).toBe(`launched . in ${path.resolve(__dirname, '..')} run-as-node=unset`);
    expect(r.status).toBe(7);
  });
});
