/** `kanpinn bench`: not built yet. */
import type { CommandModule } from 'yargs';
import { KanpinnInputError } from '../../src/index.js';

export const benchCommand: CommandModule = {
  command: 'bench',
  describe: '(not available yet)',
  handler: () => {
    throw new KanpinnInputError('bench: this command is not available yet');
  },
};
