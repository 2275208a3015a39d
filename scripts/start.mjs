// `npm start`: build everything, then launch the Electron app on this project folder.
//
// The Electron package fetches its runtime on first use. On machines where it cannot
// (offline, blocked), print one actionable line and exit 1 — never a stack trace.
// TFA_START_SKIP_BUILD=1 skips the build step (used by the tests of this script).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const UNAVAILABLE =
  'TF Assessor: the Electron runtime is not available on this machine; run `npm run preview` to use the app in your browser instead.';

function unavailable() {
  process.stderr.write(`${UNAVAILABLE}\n`);
  process.exit(1);
}

function build() {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/**
 * `require('electron')` returns the binary path, downloading the runtime if needed. It runs
 * in a child process so that the package's own progress output and stack traces stay out
 * of the user's terminal; only its answer comes back.
 */
function electronBinary() {
  const r = spawnSync(process.execPath, ['-e', "process.stdout.write(String(require('electron')))"], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    // A first-run download of ~100 MB; do not wait forever on a dead network.
    timeout: 10 * 60_000,
  });
  const binary = r.status === 0 ? r.stdout.trim() : '';
  return binary && existsSync(binary) ? binary : null;
}

if (process.env.TFA_START_SKIP_BUILD !== '1') build();
const binary = electronBinary();
if (!binary) unavailable();

const env = { ...process.env };
// Would turn Electron into plain Node and ignore the app.
delete env.ELECTRON_RUN_AS_NODE;
const child = spawn(binary, ['.'], { cwd: root, stdio: 'inherit', env });
child.on('error', unavailable);
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
