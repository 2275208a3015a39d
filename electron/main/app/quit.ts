/**
 * Quitting waits for pending saves: the first 'before-quit' is cancelled, every registered
 * hook and every tracked write is awaited, then the app quits for real.
 */

export interface QuitCoordinator {
  /** Work to finish before exit (e.g. flush the autosave). Returns an unregister function. */
  beforeQuit(hook: () => Promise<unknown> | unknown): () => void;
  /** An in-flight write the app must not cut short. */
  track(write: Promise<unknown>): void;
  /** Wire to app.on('before-quit'). */
  onBeforeQuit(event: { preventDefault(): void }): void;
  /** Settles once the hooks have run and quit() has been called. */
  readonly finished: Promise<void>;
}

export interface QuitOptions {
  /** Really quits (app.quit()). Called once, after the hooks. */
  quit: () => void;
  /**
   * Upper bound on the wait, so a hung disk cannot make the app unquittable. Generous:
   * losing a save is worse than a slow exit.
   */
  timeoutMs?: number;
  onError?: (err: unknown) => void;
}

export function createQuitCoordinator({ quit, timeoutMs = 15_000, onError = () => undefined }: QuitOptions): QuitCoordinator {
  const hooks = new Set<() => Promise<unknown> | unknown>();
  const pending = new Set<Promise<unknown>>();
  let phase: 'running' | 'waiting' | 'done' = 'running';
  let resolveFinished!: () => void;
  const finished = new Promise<void>((r) => (resolveFinished = r));

  async function drain(): Promise<void> {
    const results = await Promise.allSettled(
      [...hooks].map(async (h) => h()),
    );
    for (const r of results) if (r.status === 'rejected') onError(r.reason);
    // Hooks may start writes of their own; wait until nothing is in flight.
    while (pending.size > 0) await Promise.allSettled([...pending]);
  }

  return {
    beforeQuit(hook) {
      hooks.add(hook);
      return () => hooks.delete(hook);
    },
    track(write) {
      pending.add(write);
      const done = () => pending.delete(write);
      write.then(done, (err: unknown) => {
        done();
        onError(err);
      });
    },
    onBeforeQuit(event) {
      if (phase === 'done') return;
      event.preventDefault();
      if (phase === 'waiting') return;
      phase = 'waiting';
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          onError(new Error(`Pending saves did not finish within ${timeoutMs} ms; quitting anyway.`));
          resolve();
        }, timeoutMs);
      });
      void Promise.race([drain(), timeout]).then(() => {
        clearTimeout(timer);
        phase = 'done';
        quit();
        resolveFinished();
      });
    },
    finished,
  };
}
