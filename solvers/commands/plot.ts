/** `kanpinn plot`: not built yet. */
import type { CommandModule } from 'yargs';
import { KanpinnInputError } from '../../src/index.js';

export const plotCommand: CommandModule = {
  command: 'plot <model>',
  describe: '(not available yet)',
  handler: () => {
    throw new KanpinnInputError('plot: this command is not available yet');
  },
};
