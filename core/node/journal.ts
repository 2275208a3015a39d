/**
 * The journal line format. `journal.jsonl` is the append-only audit trail and the source of
 * truth for recovery; each line checks itself so a torn write is recognised:
 *
 *   {"sha256":"<64 hex>","entry":{"seq":1,"at":"…","actor":"…","fv":1,"change":{…},"old":…,"new":…}}\n
 *
 * The hash covers the exact bytes of the `entry` value as written, so checking needs no
 * canonical JSON. Every line is still plain JSON for `jq` and friends.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { FORMAT_VERSION, IsoDateTime, formatIssues } from '../assessment/schema';
import type { JournalEntry } from '../assessment/ops';

const HEAD = Buffer.from('{"sha256":"', 'latin1');
const MIDDLE = Buffer.from('","entry":', 'latin1');
const HASH_START = HEAD.length;
const BODY_START = HEAD.length + 64 + MIDDLE.length;
const NEWLINE = 0x0a;

/** A journal entry as stored: the entry plus the format version it was written in. */
export interface StoredEntry extends JournalEntry {
  fv: number;
}

const StoredEntrySchema = z.strictObject({
  seq: z.number().int().min(0),
  at: IsoDateTime,
  actor: z.string().max(200),
  fv: z.number().int().min(0),
  change: z.looseObject({ op: z.string() }),
  old: z.unknown(),
  new: z.unknown(),
});

/** One journal line, ready to append (ends with a newline). */
export function encodeJournalLine(entry: JournalEntry, fv: number = FORMAT_VERSION): Buffer {
  // Key order is fixed so `seq` can be read without parsing the whole line.
  const body = JSON.stringify({ seq: entry.seq, at: entry.at, actor: entry.actor, fv, change: entry.change, old: entry.old ?? null, new: entry.new ?? null });
  const hash = createHash('sha256').update(body, 'utf8').digest('hex');
  return Buffer.from(`{"sha256":"${hash}","entry":${body}}\n`, 'utf8');
}

export interface ScannedLine {
  /** 1-based line number, for messages. */
  line: number;
  seq: number;
  offset: number;
  /** The `entry` JSON text. */
  body: string;
}

export interface JournalScan {
  /** Lines whose checksum holds, in file order. */
  lines: ScannedLine[];
  /** Bytes up to the end of the last valid line: where the next entry goes. */
  validLength: number;
  /** Bytes after the last valid line that do not form a valid line: a write cut short. */
  torn: { line: number; offset: number; bytes: number } | null;
  /** Damaged lines followed by valid ones (not a torn write: the medium or someone changed them). */
  damaged: { line: number; offset: number }[];
}

/** Splits and checks a journal; never throws on content. */
export function scanJournal(data: Buffer): JournalScan {
  const lines: ScannedLine[] = [];
  const damaged: { line: number; offset: number }[] = [];
  // Invalid lines not (yet) followed by a valid one: a torn tail if nothing valid follows.
  let pending: { line: number; offset: number }[] = [];
  let validLength = 0;
  let offset = 0;
  let lineNo = 0;
  while (offset < data.length) {
    lineNo += 1;
    const end = data.indexOf(NEWLINE, offset);
    if (end < 0) {
      pending.push({ line: lineNo, offset });
      break;
    }
    const checked = checkLine(data, offset, end);
    if (checked) {
      lines.push({ line: lineNo, offset, ...checked });
      validLength = end + 1;
      damaged.push(...pending);
      pending = [];
    } else {
      pending.push({ line: lineNo, offset });
    }
    offset = end + 1;
  }
  const tornStart = pending[0];
  return {
    lines,
    validLength,
    torn: tornStart ? { line: tornStart.line, offset: tornStart.offset, bytes: data.length - tornStart.offset } : null,
    damaged,
  };
}

function checkLine(data: Buffer, start: number, end: number): { seq: number; body: string } | null {
  // Shortest possible line: head, hash, middle, "{}" and the closing brace.
  if (end - start < BODY_START + 3 || data[end - 1] !== 0x7d) return null;
  if (data.compare(HEAD, 0, HEAD.length, start, start + HEAD.length) !== 0) return null;
  if (data.compare(MIDDLE, 0, MIDDLE.length, start + HASH_START + 64, start + BODY_START) !== 0) return null;
  const expected = data.toString('latin1', start + HASH_START, start + HASH_START + 64);
  const bodyBytes = data.subarray(start + BODY_START, end - 1);
  if (createHash('sha256').update(bodyBytes).digest('hex') !== expected) return null;
  const seq = /^\{"seq":(\d{1,15}),/.exec(bodyBytes.toString('latin1', 0, 32));
  if (!seq) return null;
  return { seq: Number(seq[1]), body: bodyBytes.toString('utf8') };
}

/**
 * Parses a checked line's entry.
 * @throws Error with a one-line reason when the entry does not have the journal's shape.
 */
export function parseStoredEntry(body: string): StoredEntry {
  const parsed = StoredEntrySchema.safeParse(JSON.parse(body));
  if (!parsed.success) throw new Error(formatIssues(parsed.error));
  return parsed.data as StoredEntry;
}
