import { describe, expect, it, vi } from 'vitest';
import { INTAKE_FILE_CHANNEL } from '../common/private-channels';
import { buildIntake, type PrivateInvoke } from './intake';

const file = (name: string) => ({ name }) as unknown as File;

describe('window.intake.registerFile', () => {
  it('refuses a File the page made itself (no path), without asking main', async () => {
    const invoke = vi.fn<PrivateInvoke>();
    const intake = buildIntake(() => '', invoke);
    await expect(intake.registerFile('h1', file('made-up.txt'))).resolves.toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/not a file from your computer/) } });
    // getPathForFile throws for objects that are not Files at all.
    const throwing = buildIntake(() => {
      throw new TypeError('not a File');
    }, invoke);
    await expect(throwing.registerFile('h1', { path: '/etc/passwd' } as unknown as File)).resolves.toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(invoke).not.toHaveBeenCalled();
  });

  it('refuses a malformed assessment handle before looking at the file', async () => {
    const pathForFile = vi.fn(() => '/home/u/a.pdf');
    const invoke = vi.fn<PrivateInvoke>();
    const intake = buildIntake(pathForFile, invoke);
    await expect(intake.registerFile('../x', file('a.pdf'))).resolves.toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(pathForFile).not.toHaveBeenCalled();
    expect(invoke).not.toHaveBeenCalled();
  });

  it('sends the path on the private channel and checks main’s answer', async () => {
    const invoke = vi.fn<PrivateInvoke>().mockResolvedValueOnce({ ok: true, value: { source: 'abc', name: 'a.pdf', size: 10 } });
    const intake = buildIntake(() => '/home/u/a.pdf', invoke);
    await expect(intake.registerFile('h1', file('a.pdf'))).resolves.toEqual({ ok: true, value: { source: 'abc', name: 'a.pdf', size: 10 } });
    expect(invoke).toHaveBeenCalledExactlyOnceWith(INTAKE_FILE_CHANNEL, { assessment: 'h1', path: '/home/u/a.pdf' });

    invoke.mockResolvedValueOnce({ ok: true, value: { source: 'abc', name: 'a.pdf', size: 10, path: '/home/u/a.pdf' } });
    await expect(intake.registerFile('h1', file('a.pdf'))).resolves.toMatchObject({ ok: false, error: { code: 'internal' } });
    invoke.mockResolvedValueOnce({ ok: false, error: { code: 'invalid-input', message: 'x is not a regular file' } });
    await expect(intake.registerFile('h1', file('a.pdf'))).resolves.toEqual({ ok: false, error: { code: 'invalid-input', message: 'x is not a regular file' } });
    invoke.mockRejectedValueOnce(new Error('gone'));
    await expect(intake.registerFile('h1', file('a.pdf'))).resolves.toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});
