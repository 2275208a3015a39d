import { describe, expect, it } from 'vitest';
import { encodeJournalLine, parseStoredEntry, scanJournal } from './journal';
import type { JournalEntry } from '../assessment/ops';
import { FORMAT_VERSION } from '../assessment/schema';

const entry = (seq: number, notes = `note ${seq}`): JournalEntry => ({
  seq,
  at: '2025-06-02T10:00:00.000Z',
  actor: '佐藤 花子',
  change: { op: 'answer.set', criterion: 'IAL2-1', set: { notes } },
  old: null,
  new: { notes },
});

describe('journal lines', () => {
  it('are plain JSON lines that carry the SHA-256 of their entry', () => {
    const line = encodeJournalLine(entry(1)).toString('utf8');
    expect(line.endsWith('\n')).toBe(true);
    const parsed = JSON.parse(line) as { sha256: string; entry: { seq: number; fv: number } };
    expect(parsed.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(parsed.entry.seq).toBe(1);
    expect(parsed.entry.fv).toBe(FORMAT_VERSION);
  });

  it('scan back to the entries, with multi-byte text and newlines inside values', () => {
    const data = Buffer.concat([encodeJournalLine(entry(0)), encodeJournalLine(entry(1, '改行\nあり "quoted" \u2028')), encodeJournalLine(entry(2))]);
    const scan = scanJournal(data);
    expect(scan.lines.map((l) => l.seq)).toEqual([0, 1, 2]);
    expect(scan.validLength).toBe(data.length);
    expect(scan.torn).toBeNull();
    expect(parseStoredEntry(scan.lines[1]!.body).change).toEqual({ op: 'answer.set', criterion: 'IAL2-1', set: { notes: '改行\nあり "quoted" \u2028' } });
  });

  it('detect a torn last line at every possible cut, and keep everything before it', () => {
    const good = Buffer.concat([encodeJournalLine(entry(0)), encodeJournalLine(entry(1))]);
    const last = encodeJournalLine(entry(2));
    for (let cut = 1; cut < last.length; cut++) {
      const scan = scanJournal(Buffer.concat([good, last.subarray(0, cut)]));
      expect(scan.lines.map((l) => l.seq)).toEqual([0, 1]);
      expect(scan.validLength).toBe(good.length);
      expect(scan.torn).toEqual({ line: 3, offset: good.length, bytes: cut });
    }
  });

  it('treat zero-filled or garbled tails (power loss) as torn, and damage before valid lines as damage', () => {
    const a = encodeJournalLine(entry(0));
    const b = encodeJournalLine(entry(1));
    expect(scanJournal(Buffer.concat([a, Buffer.alloc(4096)])).torn?.bytes).toBe(4096);
    const flipped = Buffer.from(b);
    flipped[flipped.length - 10]! ^= 0x01;
    const scan = scanJournal(Buffer.concat([a, flipped, encodeJournalLine(entry(2))]));
    expect(scan.lines.map((l) => l.seq)).toEqual([0, 2]);
    expect(scan.damaged).toEqual([{ line: 2, offset: a.length }]);
    expect(scan.torn).toBeNull();
    // A bit flip at the very end is indistinguishable from a torn write: reported as torn.
    expect(scanJournal(Buffer.concat([a, flipped])).torn?.line).toBe(2);
  });

  it('reject an entry whose checksum is right but whose shape is not a journal entry', () => {
    expect(() => parseStoredEntry('{"seq":1,"at":"x"}')).toThrow(/at: .*actor/);
  });
});
