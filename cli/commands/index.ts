import type { CliCommand } from '../context';

/** Every command of `tf-assessor`, in the order `--help` lists them. */
export const commands: CliCommand[] = [];
