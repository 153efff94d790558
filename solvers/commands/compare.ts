/** `kanpinn compare`: not built yet. */
import type { CommandModule } from 'yargs';
import { KanpinnInputError } from '../../src/index.js';

export const compareCommand: CommandModule = {
  command: 'compare <problem>',
  describe: '(not available yet)',
  handler: () => {
    throw new KanpinnInputError('compare: this command is not available yet');
  },
};
