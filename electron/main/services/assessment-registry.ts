/**
 * The assessments this app knows: opaque handles mapped to workspace folders, with what the
 * start screen shows about each. The renderer only ever holds handles; a handle it makes up
 * names nothing. Stored as `<dataDir>/assessments.json`, written atomically, edits serialized.
 *
 * New assessments live in `<dataDir>/assessments/<id>/`. Those folders are adopted again on
 * load, so a damaged or deleted registry file (or a crash between creating a workspace and
 * recording it) never hides an assessment from the user.
 */
import { randomBytes } from 'node:crypto';
import { access, readFile, readdir, realpath } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../../core/node/atomic-file';
import { ASSESSMENT_FILE, JOURNAL_FILE } from '../../../core/node/workspace';

export const REGISTRY_FILE = 'assessments.json';
/** Folder under the data folder holding the assessments created there. */
export const ASSESSMENTS_DIR = 'assessments';
/** Beyond this, the least recently used entries outside the data folder are forgotten. */
export const MAX_ENTRIES = 500;

const HANDLE = /^[A-Za-z0-9_-]{16,64}$/;

const Entry = z.strictObject({
  handle: z.string().regex(HANDLE),
  /** Absolute path of the workspace folder. Never sent to the renderer. */
  dir: z.string().min(1),
  organization: z.string().max(1000),
  service: z.string().max(1000),
  /** `id@version` of the pinned pack. */
  pack: z.string().max(200),
  /** The document's last change, as of the last time this app had it open. */
  updatedAt: z.string().max(40),
  /** When this app last opened or created it (orders the recent list). */
  usedAt: z.string().max(40),
});
export type RegistryEntry = z.infer<typeof Entry>;
export type EntrySummary = Pick<RegistryEntry, 'organization' | 'service' | 'pack' | 'updatedAt'>;

/** A fresh opaque handle: 144 random bits, base64url. */
export function newHandle(): string {
  return randomBytes(18).toString('base64url');
}

/** The canonical form of a folder path, so one folder always gets one handle. */
export async function canonicalDir(dir: string): Promise<string> {
  const abs = resolve(dir);
  return realpath(abs).catch(() => abs);
}

/**
 * What the start screen shows about a workspace, read from its snapshot without opening it
 * (no lock). Null when the folder holds no assessment at all.
 */
export async function summarizeWorkspace(dir: string): Promise<EntrySummary | null> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(dir, ASSESSMENT_FILE), 'utf8'));
  } catch {
    // A missing or torn snapshot: the journal can rebuild it on open; show what we can.
    try {
      await access(join(dir, JOURNAL_FILE));
    } catch {
      return null;
    }
    return { organization: '', service: '', pack: '', updatedAt: '' };
  }
  const doc = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const str = (v: unknown): string => (typeof v === 'string' ? v.slice(0, 1000) : '');
  const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});
  const pack = obj(doc.pack);
  return {
    organization: str(obj(doc.organization).legalName),
    service: str(obj(doc.service).name),
    pack: typeof pack.id === 'string' && typeof pack.version === 'string' ? `${pack.id}@${pack.version}`.slice(0, 200) : '',
    updatedAt: str(doc.updatedAt).slice(0, 40),
  };
}

export class AssessmentRegistry {
  private entries: RegistryEntry[] | null = null;
  /** Folders in the data folder the user removed from the list: not adopted again. */
  private forgotten = new Set<string>();
  private lane: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataDir: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * A use time later than every recorded one, so the most recent use sorts first even when
   * two happen within one millisecond (or the clock stepped back).
   */
  private nextUsedAt(entries: RegistryEntry[]): string {
    let t = this.now().getTime();
    for (const e of entries) {
      const used = Date.parse(e.usedAt);
      if (Number.isFinite(used) && used >= t) t = used + 1;
    }
    return new Date(t).toISOString();
  }

  /** The folder new assessments go into by default. */
  get assessmentsDir(): string {
    return join(this.dataDir, ASSESSMENTS_DIR);
  }

  private get file(): string {
    return join(this.dataDir, REGISTRY_FILE);
  }

  /** Runs registry work one call at a time, so concurrent edits never overwrite each other. */
  private exclusive<T>(fn: (entries: RegistryEntry[]) => Promise<T>): Promise<T> {
    const run = this.lane.then(async () => fn(await this.load()));
    this.lane = run.catch(() => undefined);
    return run;
  }

  private async load(): Promise<RegistryEntry[]> {
    if (this.entries) return this.entries;
    const entries: RegistryEntry[] = [];
    try {
      const raw = JSON.parse(await readFile(this.file, 'utf8')) as { entries?: unknown; forgotten?: unknown };
      if (Array.isArray(raw.forgotten)) for (const d of raw.forgotten) if (typeof d === 'string') this.forgotten.add(d);
      // Entry by entry: one damaged entry must not cost the user the others.
      for (const e of Array.isArray(raw.entries) ? raw.entries : []) {
        const parsed = Entry.safeParse(e);
        if (parsed.success && !entries.some((x) => x.handle === parsed.data.handle || x.dir === parsed.data.dir)) entries.push(parsed.data);
      }
    } catch {
      // Missing or unreadable: rebuilt below from the assessments folder.
    }
    this.entries = entries;
    if (await this.adopt(entries)) await this.save();
    return entries;
  }

  /** Records workspaces in the data folder that the registry does not know. */
  private async adopt(entries: RegistryEntry[]): Promise<boolean> {
    let names: string[];
    try {
      names = await readdir(this.assessmentsDir);
    } catch {
      return false;
    }
    let added = false;
    for (const name of names.sort()) {
      if (name.startsWith('.')) continue;
      const dir = await canonicalDir(join(this.assessmentsDir, name));
      if (entries.some((e) => e.dir === dir) || this.forgotten.has(dir)) continue;
      const summary = await summarizeWorkspace(dir);
      if (!summary) continue;
      entries.push({ handle: newHandle(), dir, ...summary, usedAt: summary.updatedAt || this.now().toISOString() });
      added = true;
    }
    return added;
  }

  private async save(): Promise<void> {
    const entries = this.entries ?? [];
    if (entries.length > MAX_ENTRIES) {
      // Forget the least recently used; those in the data folder are adopted again on load.
      entries.sort((a, b) => (a.usedAt < b.usedAt ? 1 : a.usedAt > b.usedAt ? -1 : 0));
      entries.length = MAX_ENTRIES;
    }
    for (const dir of this.forgotten) {
      if (this.forgotten.size <= MAX_ENTRIES) break;
      this.forgotten.delete(dir);
    }
    await writeFileAtomic(this.file, `${JSON.stringify({ version: 1, entries, forgotten: [...this.forgotten] }, null, 1)}\n`);
  }

  /** Every entry, most recently used first. */
  list(): Promise<RegistryEntry[]> {
    return this.exclusive(async (entries) => [...entries].sort((a, b) => (a.usedAt < b.usedAt ? 1 : a.usedAt > b.usedAt ? -1 : 0)));
  }

  get(handle: string): Promise<RegistryEntry | undefined> {
    return this.exclusive(async (entries) => entries.find((e) => e.handle === handle));
  }

  /** Records a folder (or refreshes it, keeping its handle) and marks it used now. */
  add(dir: string, summary: EntrySummary): Promise<RegistryEntry> {
    return this.exclusive(async (entries) => {
      const canonical = await canonicalDir(dir);
      this.forgotten.delete(canonical);
      const usedAt = this.nextUsedAt(entries);
      let entry = entries.find((e) => e.dir === canonical);
      if (entry) Object.assign(entry, summary, { usedAt });
      else {
        entry = { handle: newHandle(), dir: canonical, ...summary, usedAt };
        entries.push(entry);
      }
      await this.save();
      return { ...entry };
    });
  }

  /** Updates what is shown about an entry; `touch` also moves it to the top of the recent list. */
  update(handle: string, summary: Partial<EntrySummary>, touch = false): Promise<void> {
    return this.exclusive(async (entries) => {
      const entry = entries.find((e) => e.handle === handle);
      if (!entry) return;
      Object.assign(entry, summary, touch ? { usedAt: this.nextUsedAt(entries) } : {});
      await this.save();
    });
  }

  /** Forgets an entry (the folder stays). True when it existed. */
  remove(handle: string): Promise<boolean> {
    return this.exclusive(async (entries) => {
      const i = entries.findIndex((e) => e.handle === handle);
      if (i < 0) return false;
      const [gone] = entries.splice(i, 1);
      this.forgotten.add(gone!.dir);
      await this.save();
      return true;
    });
  }
}
