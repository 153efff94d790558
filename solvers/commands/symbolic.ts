/** `kanpinn symbolic`: not built yet. */
import type { CommandModule } from 'yargs';
import { KanpinnInputError } from '../../src/index.js';

export const symbolicCommand: CommandModule = {
  command: 'symbolic <model>',
  describe: '(not available yet)',
  handler: () => {
    throw new KanpinnInputError('symbolic: this command is not available yet');
  },
};
