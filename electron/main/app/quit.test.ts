import { describe, expect, it, vi } from 'vitest';
import { createQuitCoordinator } from './quit';

const event = () => ({ preventDefault: vi.fn() });
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('createQuitCoordinator', () => {
  it('holds the first quit until hooks and pending saves finish, then quits once', async () => {
    const quit = vi.fn();
    const q = createQuitCoordinator({ quit });
    const save = deferred();
    const hookDone = vi.fn();
    q.track(save.promise);
    q.beforeQuit(async () => hookDone());

    const first = event();
    q.onBeforeQuit(first);
    expect(first.preventDefault).toHaveBeenCalledOnce();
    await new Promise((r) => setTimeout(r, 10));
    expect(hookDone).toHaveBeenCalledOnce();
    expect(quit).not.toHaveBeenCalled();

    // A second Quit while waiting is also held, and does not start a second round.
    const again = event();
    q.onBeforeQuit(again);
    expect(again.preventDefault).toHaveBeenCalledOnce();

    save.resolve();
    await q.finished;
    expect(quit).toHaveBeenCalledOnce();

    // The quit() we issued comes back as before-quit: now it goes through.
    const final = event();
    q.onBeforeQuit(final);
    expect(final.preventDefault).not.toHaveBeenCalled();
  });

  it('waits for saves that hooks start', async () => {
    const quit = vi.fn();
    const q = createQuitCoordinator({ quit });
    const late = deferred();
    q.beforeQuit(() => q.track(late.promise));
    q.onBeforeQuit(event());
    await new Promise((r) => setTimeout(r, 10));
    expect(quit).not.toHaveBeenCalled();
    late.resolve();
    await q.finished;
    expect(quit).toHaveBeenCalledOnce();
  });

  it('a failing hook or save is reported and does not block quitting', async () => {
    const quit = vi.fn();
    const onError = vi.fn();
    const q = createQuitCoordinator({ quit, onError });
    q.beforeQuit(() => {
      throw new Error('hook failed');
    });
    q.track(Promise.reject(new Error('disk full')));
    q.onBeforeQuit(event());
    await q.finished;
    expect(quit).toHaveBeenCalledOnce();
    expect(onError.mock.calls.map(([e]) => (e as Error).message).sort()).toEqual(['disk full', 'hook failed']);
  });

  it('a hung save cannot keep the app open forever', async () => {
    const quit = vi.fn();
    const onError = vi.fn();
    const q = createQuitCoordinator({ quit, onError, timeoutMs: 30 });
    q.track(new Promise(() => undefined));
    q.onBeforeQuit(event());
    await q.finished;
    expect(quit).toHaveBeenCalledOnce();
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: expect.stringContaining('did not finish') }));
  });

  it('an unregistered hook is not run', async () => {
    const q = createQuitCoordinator({ quit: vi.fn() });
    const hook = vi.fn();
    const off = q.beforeQuit(hook);
    off();
    q.onBeforeQuit(event());
    await q.finished;
    expect(hook).not.toHaveBeenCalled();
  });
});
