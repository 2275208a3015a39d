import type { CliCommand } from '../context';
import { answersImportCommand } from './answers-import';
import { answersTemplateCommand } from './answers-template';
import { demoCommand } from './demo';
import { exportCommand } from './export';
import { identityCreateCommand } from './identity';
import { packCommands } from './pack';
import { scoreCommand } from './score';
import { verifyCommand } from './verify';

/** Every command of `tf-assessor`, in the order `--help` lists them. */
export const commands: CliCommand[] = [...packCommands, answersTemplateCommand, answersImportCommand, demoCommand, scoreCommand, identityCreateCommand, exportCommand, verifyCommand];
