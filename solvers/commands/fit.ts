/** `kanpinn fit`: not built yet. */
import type { CommandModule } from 'yargs';
import { KanpinnInputError } from '../../src/index.js';

export const fitCommand: CommandModule = {
  command: 'fit <data>',
  describe: '(not available yet)',
  handler: () => {
    throw new KanpinnInputError('fit: this command is not available yet');
  },
};
