/**
 * Bounds a ZIP (an .xlsx) before a library inflates it. SheetJS inflates every entry to the
 * end of its DEFLATE stream whatever sizes the headers declare, so a 1 MiB "zip bomb" could
 * expand to gigabytes. This walks the archive the way SheetJS does (end-of-central-directory
 * record, central directory, local headers) and measures each entry's real inflated size
 * with a DEFLATE decoder that only counts output bytes — it keeps no window and allocates
 * nothing per byte — stopping as soon as a limit is passed.
 */

export interface ZipLimits {
  maxEntries: number;
  /** Inflated bytes of all entries together. */
  maxTotalBytes: number;
  /** Inflated bytes of any one entry (unset: only the total bounds it). */
  maxEntryBytes?: number;
  /**
   * Largest inflated:compressed ratio an entry may reach once it has inflated more than
   * `ratioGraceBytes` (unset: no ratio limit). DEFLATE cannot exceed about 1032:1; real
   * documents rarely pass 20:1, a bomb sits near the maximum.
   */
  maxRatio?: number;
  /** Inflated bytes of an entry before the ratio is judged (default 1 MiB): tiny files compress oddly. */
  ratioGraceBytes?: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntries: 1000, maxTotalBytes: 128 * 1024 * 1024 };

/** Returns null when the archive is within the limits, else a one-line reason. */
export function zipPreflight(buf: Uint8Array, limits: ZipLimits = DEFAULT_ZIP_LIMITS): string | null {
  const u16 = (o: number): number => {
    if (o < 0 || o + 2 > buf.length) throw new RangeError('truncated');
    return buf[o]! | (buf[o + 1]! << 8);
  };
  const u32 = (o: number): number => {
    if (o < 0 || o + 4 > buf.length) throw new RangeError('truncated');
    return (buf[o]! | (buf[o + 1]! << 8) | (buf[o + 2]! << 16) | (buf[o + 3]! << 24)) >>> 0;
  };
  try {
    let i = buf.length - 4;
    while (i >= 0 && !(buf[i] === 0x50 && buf[i + 1] === 0x4b && buf[i + 2] === 0x05 && buf[i + 3] === 0x06)) i--;
    if (i < 0) return 'not a ZIP archive (no end-of-central-directory record)';
    const count = u16(i + 8);
    let p = u32(i + 16);
    if (count > limits.maxEntries) return `the archive has ${count} entries; at most ${limits.maxEntries} are allowed`;
    const budget = new ZipBudget(limits);
    for (let n = 0; n < count; n++) {
      if (u32(p) !== 0x02014b50) return 'damaged ZIP central directory';
      const csz = u32(p + 20);
      const usz = u32(p + 24);
      const nameLen = u16(p + 28);
      const extraLen = u16(p + 30);
      const commentLen = u16(p + 32);
      const offset = u32(p + 42);
      p += 46 + nameLen + extraLen + commentLen;
      if (csz === 0xffffffff || usz === 0xffffffff || offset === 0xffffffff) return 'ZIP64 archives are not accepted';
      if (u32(offset) !== 0x04034b50) return 'damaged ZIP entry header';
      const flags = u16(offset + 6);
      if (flags & 0x2041) return 'encrypted ZIP entries are not accepted';
      const method = u16(offset + 8);
      const localCsz = u32(offset + 18);
      const start = offset + 30 + u16(offset + 26) + u16(offset + 28);
      let size: number;
      budget.beginEntry();
      if (method === 0) size = localCsz;
      else if (method === 8) {
        const left = budget.remaining();
        size = inflatedSize(buf, start, left);
        if (size < 0) size = left + 1;
      } else return `unsupported ZIP compression method ${method}`;
      const over = budget.add(size, localCsz);
      if (over) return over.message;
    }
    return null;
  } catch (e) {
    return e instanceof RangeError ? 'damaged or truncated ZIP archive' : `damaged ZIP archive: ${e instanceof Error ? e.message : String(e)}`;
  }
}

interface Huffman {
  count: Uint16Array;
  symbol: Uint16Array;
}

function huffman(lengths: Uint8Array | number[], n: number): Huffman {
  const count = new Uint16Array(16);
  const symbol = new Uint16Array(n);
  for (let s = 0; s < n; s++) count[lengths[s]!]!++;
  const offs = new Uint16Array(16);
  for (let len = 1; len < 15; len++) offs[len + 1] = offs[len]! + count[len]!;
  for (let s = 0; s < n; s++) if (lengths[s]) symbol[offs[lengths[s]!]!++] = s;
  return { count, symbol };
}

const LEN_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LEN_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
let FIXED: { lit: Huffman; dist: Huffman } | undefined;

/**
 * Output size of the raw DEFLATE stream starting at `start`, or -1 once it exceeds `limit`.
 * Throws on malformed data. Distances are decoded (to stay in step) but not applied.
 */
export function inflatedSize(buf: Uint8Array, start: number, limit: number): number {
  let pos = start;
  let bitbuf = 0;
  let bitcnt = 0;
  let out = 0;
  const bits = (need: number): number => {
    let val = bitbuf;
    while (bitcnt < need) {
      if (pos >= buf.length) throw new RangeError('truncated');
      val |= buf[pos++]! << bitcnt;
      bitcnt += 8;
    }
    bitbuf = val >>> need;
    bitcnt -= need;
    return val & ((1 << need) - 1);
  };
  const decode = (h: Huffman): number => {
    let code = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len <= 15; len++) {
      code |= bits(1);
      const count = h.count[len]!;
      if (code - count < first) return h.symbol[index + (code - first)]!;
      index += count;
      first += count;
      first <<= 1;
      code <<= 1;
    }
    throw new Error('invalid Huffman code');
  };
  const codes = (lit: Huffman, dist: Huffman): void => {
    for (;;) {
      const sym = decode(lit);
      if (sym < 256) out++;
      else if (sym === 256) return;
      else {
        const li = sym - 257;
        if (li >= 29) throw new Error('invalid length code');
        out += LEN_BASE[li]! + bits(LEN_EXTRA[li]!);
        const ds = decode(dist);
        if (ds >= 30) throw new Error('invalid distance code');
        bits(DIST_EXTRA[ds]!);
      }
      if (out > limit) throw new OverLimit();
    }
  };
  try {
    let last = 0;
    do {
      last = bits(1);
      const type = bits(2);
      if (type === 0) {
        bitbuf = 0;
        bitcnt = 0;
        if (pos + 4 > buf.length) throw new RangeError('truncated');
        const len = buf[pos]! | (buf[pos + 1]! << 8);
        const nlen = buf[pos + 2]! | (buf[pos + 3]! << 8);
        if (len !== (~nlen & 0xffff)) throw new Error('invalid stored block');
        pos += 4 + len;
        if (pos > buf.length) throw new RangeError('truncated');
        out += len;
        if (out > limit) throw new OverLimit();
      } else if (type === 1) {
        if (!FIXED) {
          const l = new Uint8Array(288);
          l.fill(8, 0, 144).fill(9, 144, 256).fill(7, 256, 280).fill(8, 280, 288);
          FIXED = { lit: huffman(l, 288), dist: huffman(new Uint8Array(30).fill(5), 30) };
        }
        codes(FIXED.lit, FIXED.dist);
      } else if (type === 2) {
        const nlen = bits(5) + 257;
        const ndist = bits(5) + 1;
        const ncode = bits(4) + 4;
        if (nlen > 286 || ndist > 30) throw new Error('invalid dynamic block');
        const cl = new Uint8Array(19);
        for (let k = 0; k < ncode; k++) cl[CL_ORDER[k]!] = bits(3);
        const clh = huffman(cl, 19);
        const lengths = new Uint8Array(nlen + ndist);
        let idx = 0;
        while (idx < nlen + ndist) {
          const sym = decode(clh);
          if (sym < 16) lengths[idx++] = sym;
          else {
            let len = 0;
            let rep: number;
            if (sym === 16) {
              if (idx === 0) throw new Error('invalid repeat');
              len = lengths[idx - 1]!;
              rep = 3 + bits(2);
            } else if (sym === 17) rep = 3 + bits(3);
            else rep = 11 + bits(7);
            if (idx + rep > nlen + ndist) throw new Error('invalid repeat');
            while (rep--) lengths[idx++] = len;
          }
        }
        codes(huffman(lengths.subarray(0, nlen), nlen), huffman(lengths.subarray(nlen), ndist));
      } else throw new Error('invalid block type');
    } while (!last);
    return out;
  } catch (e) {
    if (e instanceof OverLimit) return -1;
    throw e;
  }
}

class OverLimit extends Error {}

export interface ZipBudgetExceeded {
  /** Which limit: the archive total, one entry, the size the entry's header declares, or the ratio. */
  kind: 'total' | 'entry' | 'declared' | 'ratio';
  message: string;
  /** Inflated bytes of the entry when the limit was passed, and compressed bytes consumed by then. */
  inflated: number;
  compressed: number;
}

/**
 * The zip-bomb rules in one place, for any reader that can count inflated bytes as they come:
 * `zipPreflight` above (whole entries at a time) and the package verifier (chunk by chunk while
 * streaming from disk). Nothing a header says is trusted: only counted bytes are judged, and
 * a header's declared size only tightens the limit.
 */
export class ZipBudget {
  /** Inflated bytes counted over all entries so far. */
  total = 0;
  private entry = 0;
  private entryLimit = Infinity;
  private declared: number | undefined;
  private label = 'an entry';

  constructor(readonly limits: ZipLimits) {}

  /**
   * Starts counting the next entry. `declaredSize` is the uncompressed size its header claims:
   * inflating past it means the header lies. `label` names the entry in messages (printable).
   */
  beginEntry(options: { label?: string; declaredSize?: number } = {}): void {
    this.entry = 0;
    this.declared = options.declaredSize;
    this.label = options.label ?? 'an entry';
    this.entryLimit = Math.min(this.limits.maxEntryBytes ?? Infinity, options.declaredSize ?? Infinity);
  }

  /** Bytes the current entry may still inflate before a size limit (not the ratio) is passed. */
  remaining(): number {
    return Math.max(0, Math.min(this.entryLimit - this.entry, this.limits.maxTotalBytes - this.total));
  }

  /**
   * Counts `inflated` more bytes of the current entry, `compressedSoFar` being the compressed
   * bytes consumed for it so far. Returns the limit passed, or null.
   */
  add(inflated: number, compressedSoFar: number): ZipBudgetExceeded | null {
    this.entry += inflated;
    this.total += inflated;
    const at = (kind: ZipBudgetExceeded['kind'], message: string): ZipBudgetExceeded => ({ kind, message, inflated: this.entry, compressed: compressedSoFar });
    if (this.total > this.limits.maxTotalBytes) return at('total', `the archive inflates to more than ${this.limits.maxTotalBytes / 1048576} MiB (a "zip bomb"?)`);
    if (this.declared !== undefined && this.entry > this.declared) {
      return at('declared', `${this.label} inflates to more than the ${this.declared} bytes its header declares: the header lies (a "zip bomb"?)`);
    }
    if (this.limits.maxEntryBytes !== undefined && this.entry > this.limits.maxEntryBytes) {
      return at('entry', `${this.label} inflates to more than ${this.limits.maxEntryBytes / 1048576} MiB, the limit for one entry`);
    }
    const ratio = this.limits.maxRatio;
    if (ratio !== undefined && this.entry > (this.limits.ratioGraceBytes ?? 1048576) && this.entry > ratio * Math.max(1, compressedSoFar)) {
      return at('ratio', `${this.label} inflates more than ${ratio}:1 (${this.entry} bytes from ${compressedSoFar} compressed bytes): a "zip bomb"`);
    }
    return null;
  }
}
