/** `kanpinn solve`: not built yet. */
import type { CommandModule } from 'yargs';
import { KanpinnInputError } from '../../src/index.js';

export const solveCommand: CommandModule = {
  command: 'solve <problem>',
  describe: '(not available yet)',
  handler: () => {
    throw new KanpinnInputError('solve: this command is not available yet');
  },
};
