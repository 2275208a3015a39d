// The preview builder on sources that misbehave while being read: a file that grows or
// shrinks after it was opened, a read that fails, and a file over the limit (read no further
// than its first bytes).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SNIFF_BYTES } from '../assessment/media-sniff';
import { buildEvidencePreview } from './evidence-preview';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const text = Buffer.from('Minimum 12 characters.\n'.repeat(100));

async function* chunksOf(bytes: Uint8Array, size = 64): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('buildEvidencePreview', () => {
  it('sends text whose bytes match the hash', async () => {
    const p = await buildEvidencePreview(sha(text), { size: text.length, chunks: chunksOf(text) });
    expect(p).toMatchObject({ kind: 'text', mediaType: 'text/plain', reason: null, truncated: false });
    expect(Buffer.from(p.data!, 'base64').equals(text)).toBe(true);
  });

  it('refuses a file that grew or shrank after it was opened', async () => {
    const grown = Buffer.concat([text, Buffer.from('appended')]);
    expect(await buildEvidencePreview(sha(text), { size: text.length, chunks: chunksOf(grown) })).toMatchObject({ data: null, reason: 'modified' });
    expect(await buildEvidencePreview(sha(text), { size: text.length, chunks: chunksOf(text.subarray(0, 100)) })).toMatchObject({ data: null, reason: 'modified' });
  });

  it('turns a failing read into a reason, not an exception', async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield text.subarray(0, 10);
      throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
    }
    expect(await buildEvidencePreview(sha(text), { size: text.length, chunks: failing() })).toMatchObject({ data: null, reason: 'unreadable' });
  });

  it('reads no more than the first bytes of a file over the limit', async () => {
    const big = Buffer.alloc(SNIFF_BYTES * 8, 0x61);
    let pulled = 0;
    async function* counting(): AsyncGenerator<Uint8Array> {
      for await (const c of chunksOf(big, 1024)) {
        pulled += c.length;
        yield c;
      }
    }
    const p = await buildEvidencePreview(sha(big), { size: big.length, chunks: counting() }, { limit: 1000 });
    expect(p).toMatchObject({ kind: 'text', data: null, reason: 'too-large', size: big.length, limit: 1000 });
    expect(pulled).toBe(SNIFF_BYTES);
  });

  it('names an empty file as empty and a missing one as missing', async () => {
    const empty = new Uint8Array(0);
    expect(await buildEvidencePreview(sha(empty), { size: 0, chunks: chunksOf(empty) })).toMatchObject({ data: null, reason: 'empty' });
    expect(await buildEvidencePreview(sha(empty), null)).toMatchObject({ data: null, reason: 'missing', size: 0 });
  });
});
