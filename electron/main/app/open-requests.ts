/**
 * Files the OS asks the app to open (.tfpkg double-clicked, or passed to a second
 * instance). They are queued until the window can handle them.
 */
import path from 'node:path';

export const PACKAGE_EXTENSION = '.tfpkg';

/** The .tfpkg paths in a command line, made absolute against the caller's folder. */
export function tfpkgPathsFromArgv(argv: readonly string[], cwd: string): string[] {
  const out: string[] = [];
  for (const arg of argv) {
    // Chromium and Electron add their own --switches to the argv of a second instance.
    if (arg.startsWith('-')) continue;
    if (path.extname(arg).toLowerCase() !== PACKAGE_EXTENSION) continue;
    const abs = path.resolve(cwd, arg);
    if (!out.includes(abs)) out.push(abs);
  }
  return out;
}

/** A FIFO of paths to open, without duplicates. */
export class OpenQueue {
  private readonly items: string[] = [];

  push(...paths: string[]): void {
    for (const p of paths) if (!this.items.includes(p)) this.items.push(p);
  }

  /** Takes everything queued so far. */
  drain(): string[] {
    return this.items.splice(0, this.items.length);
  }

  get size(): number {
    return this.items.length;
  }
}
