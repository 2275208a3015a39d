/** What every CLI command receives: its arguments, output streams and environment. */
export interface CliContext {
  argv: string[];
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface CliCommand {
  /** e.g. `pack validate` — words matched against the start of argv. */
  name: string;
  usage: string;
  summary: string;
  /** Returns the exit code. Throw `CliError` for a one-line failure. */
  run(ctx: CliContext): Promise<number>;
}

/** A failure reported as one line on stderr, no stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    public readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
