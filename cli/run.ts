import { commands } from './commands/index';
import { CliError, type CliContext } from './context';
import { VERSION } from './version';

function helpText(): string {
  const lines = [
    `tf-assessor ${VERSION} — assess organizations against identity trust frameworks`,
    '',
    'Usage: tf-assessor <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.usage.padEnd(60)} ${c.summary}`),
    '',
    'Options:',
    '  --help       show this help (also: tf-assessor <command> --help)',
    '  --version    print the version',
    '',
    'Passphrases are read from the environment variable named by --passphrase-env, never from an argument.',
  ];
  return lines.join('\n') + '\n';
}

/** Runs the CLI and returns its exit code. Never throws. */
export async function runCli(ctx: CliContext): Promise<number> {
  const argv = ctx.argv;
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    ctx.stdout(helpText());
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === '--version' || argv[0] === '-v') {
    ctx.stdout(`${VERSION}\n`);
    return 0;
  }
  // Longest command name that matches the start of argv wins (`pack validate` before `pack`).
  const match = [...commands]
    .sort((a, b) => b.name.split(' ').length - a.name.split(' ').length)
    .find((c) => {
      const words = c.name.split(' ');
      return words.every((w, i) => argv[i] === w);
    });
  if (!match) {
    ctx.stderr(`tf-assessor: unknown command "${argv.slice(0, 2).join(' ')}"; run \`tf-assessor --help\` for the list.\n`);
    return 2;
  }
  const rest = argv.slice(match.name.split(' ').length);
  if (rest.includes('--help') || rest.includes('-h')) {
    ctx.stdout(`Usage: tf-assessor ${match.usage}\n\n${match.summary}\n`);
    return 0;
  }
  try {
    return await match.run({ ...ctx, argv: rest });
  } catch (err) {
    if (err instanceof CliError) {
      ctx.stderr(`tf-assessor ${match.name}: ${err.message}\n`);
      return err.exitCode;
    }
    const message = err instanceof Error ? err.message : String(err);
    ctx.stderr(`tf-assessor ${match.name}: unexpected error: ${message}\n`);
    return 1;
  }
}
