/**
 * `tf-assessor identity create`: a local CA and a signing certificate for self-assessment,
 * written as a passphrase-protected .p12 with the CA certificate (PEM) beside it for the
 * verifier to trust. The passphrase comes from an environment variable or a prompt, never
 * from an argument (arguments are visible to every user in the process list).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatFingerprint } from '../../core/signing/bytes';
import { describeCertificate, isoSeconds } from '../../core/signing/certificate';
import { SigningError } from '../../core/signing/errors';
import { createLocalIdentity, type LocalKeyType } from '../../core/signing/local-identity';
import { encodeName } from '../../core/signing/names';
import { caPemPathFor, writeLocalIdentityFiles } from '../../core/node/signing-files';
import { CliError, type CliCommand, type CliContext } from '../context';

const USAGE = 'identity create --name <text> --out <file.p12> [--org <text>] [--country CC] [--key ecdsa|rsa] [--days N] [--passphrase-env VAR] [--force]';

export interface IdentityCreateArgs {
  name: string;
  out: string;
  org?: string;
  country?: string;
  key: LocalKeyType;
  days: number;
  passphraseEnv?: string;
  force: boolean;
}

/** Parses the command's arguments; usage errors exit 2. */
export function parseIdentityCreateArgs(argv: readonly string[]): IdentityCreateArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: false,
      strict: true,
      options: {
        name: { type: 'string' },
        out: { type: 'string' },
        org: { type: 'string' },
        country: { type: 'string' },
        key: { type: 'string' },
        days: { type: 'string' },
        'passphrase-env': { type: 'string' },
        passphrase: { type: 'string' },
        force: { type: 'boolean' },
      },
    });
  } catch (e) {
    throw new CliError(`${e instanceof Error ? e.message : String(e)}; usage: tf-assessor ${USAGE}`, 2);
  }
  const v = parsed.values;
  if (v.passphrase !== undefined) throw new CliError('a passphrase is never taken as an argument (other users can see it); use --passphrase-env VAR or answer the prompt', 2);
  if (!v.name?.trim()) throw new CliError(`--name is required; usage: tf-assessor ${USAGE}`, 2);
  if (!v.out) throw new CliError(`--out is required; usage: tf-assessor ${USAGE}`, 2);
  const key = v.key ?? 'ecdsa';
  if (key !== 'ecdsa' && key !== 'rsa') throw new CliError(`--key must be ecdsa or rsa, not "${key}"`, 2);
  const days = v.days === undefined ? 365 : Number(v.days);
  if (!/^\d+$/.test(v.days ?? '365') || days < 1 || days > 3650) throw new CliError(`--days must be a whole number from 1 to 3650, not "${v.days}"`, 2);
  try {
    encodeName({ commonName: v.name, organization: v.org, country: v.country });
  } catch (e) {
    throw new CliError(e instanceof Error ? e.message : String(e), 2);
  }
  const out: IdentityCreateArgs = { name: v.name, out: v.out, key: key === 'rsa' ? 'rsa-3072' : 'ecdsa-p256', days, force: v.force ?? false };
  if (v.org !== undefined) out.org = v.org;
  if (v.country !== undefined) out.country = v.country;
  if (v['passphrase-env'] !== undefined) out.passphraseEnv = v['passphrase-env'];
  return out;
}

/** Reads a line from the terminal without echoing it. */
export function promptHidden(question: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let value = '';
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolvePromise(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new CliError('cancelled', 130));
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** The new passphrase: from the named environment variable, or asked twice on a terminal. */
export async function newPassphrase(ctx: CliContext, envName: string | undefined): Promise<string> {
  if (envName !== undefined) {
    const v = ctx.env[envName];
    if (v === undefined) throw new CliError(`the environment variable ${envName} (named by --passphrase-env) is not set`, 2);
    if (v === '') throw new CliError(`the environment variable ${envName} is empty; the .p12 needs a passphrase`, 2);
    return v;
  }
  if (!process.stdin.isTTY) throw new CliError('no passphrase: give --passphrase-env VAR (the name of an environment variable holding it) or run in a terminal to be asked', 2);
  const first = await promptHidden('Passphrase for the new .p12: ');
  if (!first) throw new CliError('the passphrase must not be empty', 2);
  const second = await promptHidden('Repeat the passphrase: ');
  if (first !== second) throw new CliError('the two passphrases differ; nothing was written', 2);
  return first;
}

async function runCreate(ctx: CliContext): Promise<number> {
  const args = parseIdentityCreateArgs(ctx.argv);
  const p12Path = resolve(ctx.cwd, args.out);
  const caShown = caPemPathFor(args.out);
  const passphrase = await newPassphrase(ctx, args.passphraseEnv);
  try {
    const local = await createLocalIdentity({ commonName: args.name, organization: args.org, country: args.country, keyType: args.key, validityDays: args.days });
    await writeLocalIdentityFiles(local, p12Path, passphrase, { force: args.force });
    const leaf = describeCertificate(local.identity.chain[0]!);
    const ca = describeCertificate(local.caCertificate);
    ctx.stdout(
      [
        `created signing identity ${leaf.subject}`,
        `  key:           ${args.key === 'rsa-3072' ? 'RSA 3072' : 'ECDSA P-256'}`,
        `  certificate:   SHA-256 ${formatFingerprint(leaf.sha256)}`,
        `  valid:         ${isoSeconds(leaf.notBefore)} to ${isoSeconds(leaf.notAfter)}`,
        `  PKCS#12:       ${args.out}`,
        `  CA:            ${ca.subject}`,
        `  CA SHA-256:    ${formatFingerprint(ca.sha256)}`,
        `  CA certificate: ${caShown}`,
        `Give ${caShown} to whoever verifies your reports (e.g. the certification body) so they can trust this signature.`,
        '',
      ].join('\n'),
    );
    return 0;
  } catch (e) {
    if (e instanceof SigningError) throw new CliError(e.message, 1);
    throw e;
  }
}

export const identityCreateCommand: CliCommand = {
  name: 'identity create',
  usage: USAGE,
  summary: 'create a local CA and a signing certificate for self-assessment (.p12 + CA certificate as PEM)',
  run: runCreate,
};
