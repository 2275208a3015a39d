// The trust store on disk, fed what a user may paste or pick: PEM bundles, base64 DER, and
// everything that is not a CA certificate. Real certificates from core/signing's local CA.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiFailure } from '../../../core/api/contract';
import { dispatch } from '../dispatch';
import { createHandlers } from '../handlers';
import { toBase64, toPem } from '../../../core/signing/bytes';
import { createLocalIdentity, type LocalIdentity } from '../../../core/signing/local-identity';
import { sha256Hex } from '../../../core/criteria/sha256';
import { createTrustStore, MAX_BLOCKS_PER_ADD, parseTrustInput } from './trust-store';

const tmp = mkdtempSync(join(tmpdir(), 'tfa-trust-'));
let ec: LocalIdentity;
let rsa: LocalIdentity;
const pem = (der: Uint8Array) => toPem('CERTIFICATE', der);
const fp = (der: Uint8Array) => sha256Hex(der);

beforeAll(async () => {
  ec = await createLocalIdentity({ commonName: '認証局 テスト', keyType: 'ecdsa-p256', validityDays: 30 });
  rsa = await createLocalIdentity({ commonName: 'RSA Body CA', keyType: 'rsa-3072', validityDays: 30 });
}, 60_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const fresh = () => mkdtempSync(join(tmp, 'd-'));

/** The message of the invalid-input refusal for `text`. */
function refusal(text: string): string {
  try {
    parseTrustInput(text);
  } catch (err) {
    expect((err as { code?: string }).code).toBe('invalid-input');
    return (err as Error).message;
  }
  throw new Error('accepted');
}

describe('trust store', () => {
  it('adds every certificate of a PEM bundle (text around the blocks ignored), with what a reviewer needs to see', async () => {
    const dataDir = fresh();
    let clock = new Date('2026-01-10T00:00:00Z');
    const store = createTrustStore({ dataDir, now: () => clock });
    const bundle = `subject=CN=認証局 テスト\n${pem(ec.caCertificate)}\nsubject=CN=RSA Body CA\n${pem(rsa.caCertificate)}`;
    const r = await store.add(bundle, '審査機関\u0007 ルート\u202E');
    expect(r.alreadyPresent).toEqual([]);
    expect(r.added.map((a) => a.fingerprintSha256).sort()).toEqual([fp(ec.caCertificate), fp(rsa.caCertificate)].sort());
    const a = r.anchors.find((x) => x.fingerprintSha256 === fp(ec.caCertificate))!;
    expect(a).toMatchObject({ subject: expect.stringContaining('CN=認証局 テスト'), isCa: true, expired: false, keyAlgorithm: 'ECDSA P-256', addedAt: '2026-01-10T00:00:00Z', label: '審査機関 ルート' });
    expect(a.notAfter > a.notBefore).toBe(true);
    expect(r.anchors.find((x) => x.fingerprintSha256 === fp(rsa.caCertificate))!.keyAlgorithm).toBe('RSA 3072');
    // One PEM file per anchor, named by its fingerprint, and the index.
    expect(readdirSync(join(dataDir, 'trust')).sort()).toEqual([`${fp(ec.caCertificate)}.pem`, `${fp(rsa.caCertificate)}.pem`, 'index.json'].sort());

    // Adding again is not an error; a later add lists first; a non-CA certificate can be trusted too.
    clock = new Date('2026-02-01T00:00:00Z');
    const again = await store.add(`${pem(ec.caCertificate)}${pem(ec.identity.chain[0]!)}`);
    expect(again.alreadyPresent).toEqual([fp(ec.caCertificate)]);
    expect(again.added).toMatchObject([{ fingerprintSha256: fp(ec.identity.chain[0]!), isCa: false }]);
    expect((await store.list())[0]!.fingerprintSha256).toBe(fp(ec.identity.chain[0]!));
    expect(await store.anchors()).toHaveLength(3);

    // Anchors past notAfter are listed as expired (packages signed while valid still verify).
    const later = createTrustStore({ dataDir, now: () => new Date('2099-01-01T00:00:00Z') });
    expect((await later.list()).every((x) => x.expired)).toBe(true);
  });

  it('accepts base64 DER, with or without line breaks', async () => {
    const store = createTrustStore({ dataDir: fresh() });
    const b64 = toBase64(rsa.caCertificate);
    const r = await store.add(`\n${b64.replace(/(.{76})/g, '$1\r\n')}\n`);
    expect(r.added.map((a) => a.fingerprintSha256)).toEqual([fp(rsa.caCertificate)]);
  });

  it('refuses hostile or mistaken input, naming the block and the problem, and adds nothing', async () => {
    const good = pem(ec.caCertificate);
    const body = (s: string) => `-----BEGIN CERTIFICATE-----\n${s}\n-----END CERTIFICATE-----\n`;
    expect(refusal(`${good}${body('MIIB$$$notbase64')}`)).toMatch(/^Block 2 is not valid base64/);
    expect(refusal(`${good}${body(toBase64(new Uint8Array(200).map((_, i) => (i * 37) & 255)))}`)).toMatch(/^Block 2 is not a valid X\.509 certificate/);
    expect(refusal(`${good}-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n`)).toMatch(/^Block 2 is a PRIVATE KEY, not a CERTIFICATE.*Never share a private key/);
    expect(refusal(`${good}-----BEGIN CERTIFICATE-----\nMIIB`)).toMatch(/^Block 2 \(BEGIN CERTIFICATE\) has no matching "-----END CERTIFICATE-----" line/);
    expect(refusal(`${good.replace('-----END CERTIFICATE-----\n', '')}${good}`)).toMatch(/^Block 1 .*has no matching/);
    expect(refusal(body(''))).toMatch(/^Block 1 is empty/);
    expect(refusal('hello, this is not a certificate')).toMatch(/neither PEM .* nor base64 DER/);
    expect(refusal(toBase64(new TextEncoder().encode('just some text, base64 encoded')))).toMatch(/^The text is not a valid X\.509 certificate/);
    expect(refusal('  \n ')).toMatch(/^The text is empty/);
    expect(refusal(good.repeat(MAX_BLOCKS_PER_ADD + 1))).toMatch(/add at most 100 certificates at a time/);
    // A certificate followed by junk inside one DER: a single SEQUENCE or nothing.
    expect(refusal(body(toBase64(new Uint8Array([...ec.caCertificate, 0, 0]))))).toMatch(/^Block 1 is not a valid X\.509 certificate/);
    expect(refusal(body(toBase64(new Uint8Array(70 * 1024))))).toMatch(/^Block 1 is 71680 bytes, more than a certificate/);

    const dataDir = fresh();
    const store = createTrustStore({ dataDir });
    await expect(store.add(`${good}${body('MIIB$$$')}`)).rejects.toMatchObject({ code: 'invalid-input' });
    expect(await store.list()).toEqual([]);
    expect(existsSync(join(dataDir, 'trust'))).toBe(false);
  });

  it('over the channel: input over 1 MiB is a bad request, a bad block is invalid-input', async () => {
    const h = createHandlers({ dataDir: fresh(), host: 'bridge', version: '1', platform: 'linux', systemLocale: 'en', listPacks: async () => [] });
    expect(await dispatch(h, 'tfa:trust:add', { text: 'A'.repeat(1024 * 1024 + 1) })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await dispatch(h, 'tfa:trust:add', { text: 'garbage' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await dispatch(h, 'tfa:trust:remove', { fingerprintSha256: '../../x' })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    const added = await dispatch(h, 'tfa:trust:add', { text: pem(ec.caCertificate) });
    expect(added.ok).toBe(true);
    expect(await dispatch(h, 'tfa:trust:list', undefined)).toMatchObject({ ok: true, value: [{ fingerprintSha256: fp(ec.caCertificate) }] });
  });

  it('removes by fingerprint: the anchor is no longer trusted and its file is gone; removing it again is not-found', async () => {
    const dataDir = fresh();
    const store = createTrustStore({ dataDir });
    await store.add(`${pem(ec.caCertificate)}${pem(rsa.caCertificate)}`);
    const left = await store.remove(fp(ec.caCertificate));
    expect(left.map((a) => a.fingerprintSha256)).toEqual([fp(rsa.caCertificate)]);
    expect(existsSync(join(dataDir, 'trust', `${fp(ec.caCertificate)}.pem`))).toBe(false);
    expect(await store.anchors()).toEqual([rsa.caCertificate]);
    await expect(store.remove(fp(ec.caCertificate))).rejects.toMatchObject({ code: 'not-found' });
  });

  it('what is on disk is checked on every read: a swapped certificate file is not trusted; a damaged index is rebuilt from the files', async () => {
    const dataDir = fresh();
    const store = createTrustStore({ dataDir });
    await store.add(`${pem(ec.caCertificate)}${pem(rsa.caCertificate)}`);
    // Someone replaces one anchor's file with another certificate: its name no longer matches its content.
    writeFileSync(join(dataDir, 'trust', `${fp(ec.caCertificate)}.pem`), pem(ec.identity.chain[0]!));
    expect((await store.list()).map((a) => a.fingerprintSha256)).toEqual([fp(rsa.caCertificate)]);
    expect(await store.anchors()).toEqual([rsa.caCertificate]);

    writeFileSync(join(dataDir, 'trust', 'index.json'), '{"format": "tf-assessor/trust-store@1", "anchors": [');
    expect((await store.list()).map((a) => a.fingerprintSha256)).toEqual([fp(rsa.caCertificate)]);
    // The next change writes a good index again.
    await store.add(pem(ec.caCertificate));
    expect(JSON.parse(readFileSync(join(dataDir, 'trust', 'index.json'), 'utf8')).anchors).toHaveLength(2);
  });

  it('concurrent adds and removes run one at a time: the index ends with exactly what was added and not removed', async () => {
    const store = createTrustStore({ dataDir: fresh() });
    await Promise.all([store.add(pem(ec.caCertificate)), store.add(pem(rsa.caCertificate)), store.add(pem(ec.identity.chain[0]!))]);
    await Promise.all([store.remove(fp(rsa.caCertificate)), store.add(pem(rsa.identity.chain[0]!))]);
    expect((await store.list()).map((a) => a.fingerprintSha256).sort()).toEqual([fp(ec.caCertificate), fp(ec.identity.chain[0]!), fp(rsa.identity.chain[0]!)].sort());
  });

  it('whatever the text, parsing ends in certificates or one invalid-input line, never another error', () => {
    const outcome = (text: string) => {
      try {
        return parseTrustInput(text).length;
      } catch (err) {
        expect(err).toBeInstanceOf(ApiFailure);
        expect((err as ApiFailure).code).toBe('invalid-input');
        expect((err as Error).message).toMatch(/^[^\n]+$/);
        return -1;
      }
    };
    const der = ec.caCertificate;
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (text) => {
        outcome(text);
      }),
    );
    // A real certificate with bytes changed, cut or grown: a certificate (another one) or a refusal.
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(der.length - 1), fc.integer({ min: 1, max: 255 })), { maxLength: 4 }), fc.nat(der.length), fc.boolean(), (flips, cut, asPem) => {
        const bytes = new Uint8Array(der.subarray(0, Math.max(1, cut)));
        for (const [at, x] of flips) if (at < bytes.length) bytes[at] = bytes[at]! ^ x;
        const n = outcome(asPem ? pem(bytes) : toBase64(bytes));
        if (n === 1) expect(parseTrustInput(pem(bytes))[0]!.info.sha256).toBe(fp(bytes));
      }),
      { numRuns: 300 },
    );
  });
});
