// The identity service on real files: keys sealed by the preview's key file survive a restart,
// are useless without that key file, and unlock only to the matching certificate; an expired
// identity is refused with its dates; the desktop refuses to store keys without a keychain.
import { existsSync, statSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeCertificate } from '../../../core/signing/certificate';
import { signDetached, verifyDetached } from '../../../core/signing/cms';
import { IdentityStore } from '../../../core/node/identity-store';
import { createLocalIdentity } from '../../../core/signing/local-identity';
import { createIdentityService, previewKeyFileProtection } from './identities';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tfa-identities-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('identity service (preview key file)', () => {
  it('seals with a 0600 key file; a restarted app unlocks and signs; another key file cannot open it', async () => {
    const dataDir = join(root, 'a');
    const service = createIdentityService({ dataDir, protection: previewKeyFileProtection(dataDir) });
    const created = await service.create({ commonName: '審査 太郎', organization: '株式会社テスト', keyType: 'ecdsa-p256', validityDays: 5 });
    expect(statSync(join(dataDir, 'preview-key.bin')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'identities', `${created.id}.identity.json`)).mode & 0o777).toBe(0o600);

    const restarted = createIdentityService({ dataDir, protection: previewKeyFileProtection(dataDir) });
    const identity = await restarted.unlock(created.id, new Date());
    expect(describeCertificate(identity.chain[0]!).sha256).toBe(created.id);
    const content = new TextEncoder().encode('report');
    const cms = await signDetached(content, identity, { signingTime: new Date() });
    const check = await verifyDetached(content, cms, { trustAnchors: [identity.chain[1]!] });
    expect(check.valid).toBe(true);

    // The same identity file under another data folder (another key file) cannot be opened.
    const other = join(root, 'b');
    await cp(join(dataDir, 'identities'), join(other, 'identities'), { recursive: true });
    const stranger = createIdentityService({ dataDir: other, protection: previewKeyFileProtection(other) });
    expect((await stranger.list()).identities.map((i) => i.id)).toEqual([created.id]);
    await expect(stranger.unlock(created.id, new Date())).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('another preview key file') });
  });

  it('refuses to unlock an expired identity for an export, naming the date', async () => {
    const dataDir = join(root, 'c');
    const protection = previewKeyFileProtection(dataDir);
    const old = await createLocalIdentity({ commonName: 'Old', keyType: 'ecdsa-p256', validityDays: 1, notBefore: new Date('2024-01-01T00:00:00Z') });
    // Stored while it was valid (an identity kept for a year).
    const stored = await new IdentityStore(join(dataDir, 'identities'), protection.protector()).add(old.identity);
    const service = createIdentityService({ dataDir, protection });
    const [view] = (await service.list()).identities;
    expect(view).toMatchObject({ id: stored.id, expired: true, localCa: true });
    await expect(service.unlock(stored.id, new Date())).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('expired on 2024-01-02T00:00:00Z') });
  });

  it('without a keychain: lists, but neither creates nor imports, and says why', async () => {
    const dataDir = join(root, 'd');
    const service = createIdentityService({
      dataDir,
      protection: {
        kind: 'system-keychain',
        protector: () => {
          throw new Error('the system keychain is not available');
        },
      },
    });
    expect(await service.list()).toEqual({ identities: [], storage: { available: false, kind: 'system-keychain', problem: 'The system keychain is not available.' } });
    await expect(service.create({ commonName: 'x' })).rejects.toMatchObject({ code: 'invalid-input', message: 'The system keychain is not available.' });
    expect(existsSync(join(dataDir, 'identities'))).toBe(false);
  });
});
