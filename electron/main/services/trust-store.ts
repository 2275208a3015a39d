/**
 * The certification body's trust store: the CA certificates whose signers it accepts when it
 * verifies submitted packages. Kept under `<dataDir>/trust/`: one PEM file per anchor, named
 * by the SHA-256 of its DER (`<fingerprint>.pem`), and `index.json` (labels, when added),
 * each written atomically. See docs/decisions/0013-review-workspaces.md.
 *
 * What the user pastes or picks is hostile input: every block is parsed by core/signing
 * before anything is written, the whole input is refused when one block is bad (the message
 * names the block and the problem), and sizes and counts are bounded. What is on disk is
 * checked again on every read: a file whose content does not hash to its name is not trusted.
 *
 * Pure Node (no Electron import): the desktop app and the browser bridge run this same code.
 */
import { readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ApiFailure } from '../../../core/api/contract';
import type { TrustAnchorView } from '../../../core/api/contract-intake';
import { Sha256Hex } from '../../../core/assessment/schema';
import { writeFileAtomic } from '../../../core/node/atomic-file';
import { apiErrorCode, errno, storageErrorFrom } from '../../../core/node/fs-port';
import { fromBase64, toPem } from '../../../core/signing/bytes';
import { isoSeconds, parseCertificate, type CertificateInfo, type PublicKeyDescription } from '../../../core/signing/certificate';
import { SigningError } from '../../../core/signing/errors';

export const TRUST_DIR = 'trust';
export const TRUST_INDEX = 'index.json';
const INDEX_FORMAT = 'tf-assessor/trust-store@1';

/** Certificates accepted in one add: a CA bundle has a handful; thousands would be a mistake or an attack. */
export const MAX_BLOCKS_PER_ADD = 100;
/** Anchors the store holds: bounds every verification's chain building. */
export const MAX_ANCHORS = 1000;
/** A certificate larger than this is not a CA certificate anyone issues. */
export const MAX_CERTIFICATE_BYTES = 64 * 1024;
/** Longest label kept (the contract allows 200 characters; stored labels are re-checked). */
const MAX_LABEL = 200;

const IndexEntry = z.strictObject({
  fingerprintSha256: Sha256Hex,
  addedAt: z.string().max(40),
  label: z.string().max(MAX_LABEL).nullable(),
});
type IndexEntry = z.infer<typeof IndexEntry>;
const TrustIndex = z.strictObject({ format: z.literal(INDEX_FORMAT), anchors: z.array(IndexEntry).max(MAX_ANCHORS) });

export interface TrustAnchor {
  view: TrustAnchorView;
  der: Uint8Array;
}

export interface TrustStoreOptions {
  dataDir: string;
  now?: () => Date;
}

export interface TrustStore {
  /** Anchors, newest first. */
  list(): Promise<TrustAnchorView[]>;
  /** The DER of every anchor, for verification. */
  anchors(): Promise<Uint8Array[]>;
  /** @throws ApiFailure `invalid-input` naming the bad block; nothing is added then. */
  add(text: string, label?: string): Promise<{ added: TrustAnchorView[]; alreadyPresent: string[]; anchors: TrustAnchorView[] }>;
  /** @throws ApiFailure `not-found` when no anchor has this fingerprint. */
  remove(fingerprintSha256: string): Promise<TrustAnchorView[]>;
}

/** `RSA 3072`, `ECDSA P-256`, or the algorithm's OID. */
export function keyAlgorithmText(key: PublicKeyDescription): string {
  if (key.type === 'rsa') return `RSA ${key.bits}`;
  if (key.type === 'ec') return `ECDSA ${key.curve}`;
  return key.algorithm;
}

/** Labels are display text: control and invisible formatting characters are dropped. */
function cleanLabel(label: string | undefined): string | null {
  if (label === undefined) return null;
  const clean = label
    .replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim()
    .slice(0, MAX_LABEL);
  return clean === '' ? null : clean;
}

function viewOf(info: CertificateInfo, entry: IndexEntry, now: Date): TrustAnchorView {
  return {
    fingerprintSha256: info.sha256,
    subject: info.subject,
    issuer: info.issuer,
    serialNumber: info.serialNumber,
    notBefore: isoSeconds(info.notBefore),
    notAfter: isoSeconds(info.notAfter),
    isCa: info.isCA,
    expired: now.getTime() > info.notAfter.getTime(),
    keyAlgorithm: keyAlgorithmText(info.publicKey),
    addedAt: entry.addedAt,
    label: entry.label,
  };
}

const refuse = (message: string) => new ApiFailure('invalid-input', message);

/**
 * The DER certificates in pasted text: PEM (`-----BEGIN CERTIFICATE-----` blocks; text
 * around them, such as openssl's `subject=` lines, is ignored) or one base64 DER
 * certificate. Each is parsed; the first problem refuses the whole input.
 * @throws ApiFailure `invalid-input` naming the block (1-based) and what is wrong.
 */
export function parseTrustInput(text: string): { der: Uint8Array; info: CertificateInfo }[] {
  if (text.trim() === '') throw refuse('The text is empty: paste a CA certificate in PEM form (-----BEGIN CERTIFICATE-----) or base64 DER.');
  const blocks: { label: string; body: string }[] = [];
  if (text.includes('-----BEGIN')) {
    // Each BEGIN line opens a block that must close with the matching END before the next BEGIN.
    const re = /-----BEGIN ([A-Z0-9 ]{1,40})-----/g;
    const starts = [...text.matchAll(re)];
    if (starts.length > MAX_BLOCKS_PER_ADD) throw refuse(`The text holds ${starts.length} PEM blocks; add at most ${MAX_BLOCKS_PER_ADD} certificates at a time.`);
    starts.forEach((m, i) => {
      const n = i + 1;
      const label = m[1]!;
      const from = m.index + m[0].length;
      const to = i + 1 < starts.length ? starts[i + 1]!.index : text.length;
      const end = text.indexOf(`-----END ${label}-----`, from);
      if (end === -1 || end > to) throw refuse(`Block ${n} (BEGIN ${label}) has no matching "-----END ${label}-----" line: paste the whole certificate.`);
      if (label !== 'CERTIFICATE') {
        const hint = /PRIVATE KEY/.test(label) ? ' Never share a private key: remove it and paste only the CA certificate.' : '';
        throw refuse(`Block ${n} is a ${label}, not a CERTIFICATE: only CA certificates can be trusted.${hint}`);
      }
      blocks.push({ label, body: text.slice(from, end) });
    });
    if (blocks.length === 0) throw refuse('No "-----BEGIN CERTIFICATE-----" block found: paste a CA certificate in PEM form.');
  } else {
    blocks.push({ label: 'DER', body: text });
  }
  return blocks.map((b, i) => {
    const what = blocks.length > 1 || b.label !== 'DER' ? `Block ${i + 1}` : 'The text';
    let der: Uint8Array;
    try {
      der = fromBase64(b.body);
    } catch {
      throw refuse(
        b.label === 'DER'
          ? 'The text is neither PEM (-----BEGIN CERTIFICATE-----) nor base64 DER: paste the CA certificate as exported (e.g. ca.pem).'
          : `${what} is not valid base64: the certificate text was changed or cut; paste it again from the file.`,
      );
    }
    if (der.length === 0) throw refuse(`${what} is empty: paste the whole certificate.`);
    if (der.length > MAX_CERTIFICATE_BYTES) throw refuse(`${what} is ${der.length} bytes, more than a certificate (at most ${MAX_CERTIFICATE_BYTES}).`);
    try {
      const parsed = parseCertificate(der, what.toLowerCase());
      return { der, info: parsed.info };
    } catch (err) {
      const message = err instanceof SigningError ? err.message : `${what.toLowerCase()} is not a valid X.509 certificate`;
      throw refuse(`${message[0]!.toUpperCase()}${message.slice(1)}.`);
    }
  });
}

/** The trust store in `<dataDir>/trust/`. Operations run one at a time. */
export function createTrustStore(options: TrustStoreOptions): TrustStore {
  const dir = join(options.dataDir, TRUST_DIR);
  const indexPath = join(dir, TRUST_INDEX);
  const now = options.now ?? (() => new Date());
  let lane: Promise<unknown> = Promise.resolve();

  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = lane.then(fn);
    lane = run.catch(() => undefined);
    return run;
  }

  function storageFailure(err: unknown, action: string, path: string): never {
    const e = storageErrorFrom(err, action, path);
    throw new ApiFailure(apiErrorCode(e.code), e.message);
  }

  /** The index as written, or rebuilt from the certificate files when it is missing or damaged. */
  async function readIndex(): Promise<IndexEntry[]> {
    let raw: string;
    try {
      raw = await readFile(indexPath, 'utf8');
    } catch (err) {
      if (errno(err) !== 'ENOENT') storageFailure(err, 'read the trust store', indexPath);
      return rebuildIndex();
    }
    try {
      const parsed = TrustIndex.safeParse(JSON.parse(raw));
      if (parsed.success) return parsed.data.anchors;
    } catch {
      // fall through: a damaged index must not lose the certificates beside it
    }
    return rebuildIndex();
  }

  async function rebuildIndex(): Promise<IndexEntry[]> {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if (errno(err) === 'ENOENT') return [];
      storageFailure(err, 'read the trust store', dir);
    }
    return names
      .filter((n) => /^[0-9a-f]{64}\.pem$/.test(n))
      .slice(0, MAX_ANCHORS)
      .map((n) => ({ fingerprintSha256: n.slice(0, 64), addedAt: isoSeconds(new Date(0)), label: null }));
  }

  async function writeIndex(entries: IndexEntry[]): Promise<void> {
    try {
      await writeFileAtomic(indexPath, `${JSON.stringify({ format: INDEX_FORMAT, anchors: entries }, null, 2)}\n`);
    } catch (err) {
      storageFailure(err, 'save the trust store', indexPath);
    }
  }

  /** One anchor's certificate, or null when its file is gone or does not hash to its name. */
  async function readAnchor(entry: IndexEntry): Promise<TrustAnchor | null> {
    let text: string;
    try {
      text = await readFile(join(dir, `${entry.fingerprintSha256}.pem`), 'latin1');
    } catch {
      return null;
    }
    if (text.length > 4 * MAX_CERTIFICATE_BYTES) return null;
    try {
      const [one, ...more] = parseTrustInput(text);
      if (!one || more.length > 0 || one.info.sha256 !== entry.fingerprintSha256) return null;
      return { der: one.der, view: viewOf(one.info, entry, now()) };
    } catch {
      return null;
    }
  }

  async function load(): Promise<TrustAnchor[]> {
    const entries = await readIndex();
    const anchors = (await Promise.all(entries.map(readAnchor))).filter((a): a is TrustAnchor => a !== null);
    return anchors.sort((a, b) => (a.view.addedAt < b.view.addedAt ? 1 : a.view.addedAt > b.view.addedAt ? -1 : 0));
  }

  return {
    list: () => serial(async () => (await load()).map((a) => a.view)),
    anchors: () => serial(async () => (await load()).map((a) => a.der)),

    add: (text, label) =>
      serial(async () => {
        const parsed = parseTrustInput(text);
        const entries = await readIndex();
        const present = new Set((await load()).map((a) => a.view.fingerprintSha256));
        const addedAt = isoSeconds(now());
        const clean = cleanLabel(label);
        const fresh: { der: Uint8Array; info: CertificateInfo }[] = [];
        const alreadyPresent: string[] = [];
        for (const p of parsed) {
          if (present.has(p.info.sha256)) {
            if (!alreadyPresent.includes(p.info.sha256)) alreadyPresent.push(p.info.sha256);
          } else if (!fresh.some((f) => f.info.sha256 === p.info.sha256)) fresh.push(p);
        }
        if (present.size + fresh.length > MAX_ANCHORS) throw refuse(`The trust store holds ${present.size} certificates; it can hold at most ${MAX_ANCHORS}. Remove some first.`);
        // Certificate files first, then the index: a crash in between leaves a file the index
        // does not name, which is not trusted (and is picked up only if the index is rebuilt).
        for (const f of fresh) {
          const path = join(dir, `${f.info.sha256}.pem`);
          try {
            await writeFileAtomic(path, toPem('CERTIFICATE', f.der), { mode: 0o644 });
          } catch (err) {
            storageFailure(err, 'save the certificate', path);
          }
        }
        // Entries whose file went missing or was damaged are dropped from the index as well.
        const kept = entries.filter((e) => present.has(e.fingerprintSha256));
        await writeIndex([...kept, ...fresh.map((f) => ({ fingerprintSha256: f.info.sha256, addedAt, label: clean }))]);
        const anchors = (await load()).map((a) => a.view);
        const added = anchors.filter((a) => fresh.some((f) => f.info.sha256 === a.fingerprintSha256));
        return { added, alreadyPresent, anchors };
      }),

    remove: (fingerprint) =>
      serial(async () => {
        const entries = await readIndex();
        if (!entries.some((e) => e.fingerprintSha256 === fingerprint)) {
          throw new ApiFailure('not-found', 'This certificate is not in the trust store (it was removed already): reload the list.');
        }
        // Index first: once it no longer names the anchor, the anchor is not trusted, whatever
        // happens to the file.
        await writeIndex(entries.filter((e) => e.fingerprintSha256 !== fingerprint));
        await unlink(join(dir, `${fingerprint}.pem`)).catch(() => undefined);
        return (await load()).map((a) => a.view);
      }),
  };
}
