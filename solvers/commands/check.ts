/** `kanpinn check`: not built yet. */
import type { CommandModule } from 'yargs';
import { KanpinnInputError } from '../../src/index.js';

export const checkCommand: CommandModule = {
  command: 'check <problem>',
  describe: '(not available yet)',
  handler: () => {
    throw new KanpinnInputError('check: this command is not available yet');
  },
};
