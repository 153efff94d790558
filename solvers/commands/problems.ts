/** `kanpinn problems`: not built yet. */
import type { CommandModule } from 'yargs';
import { KanpinnInputError } from '../../src/index.js';

export const problemsCommand: CommandModule = {
  command: 'problems',
  describe: '(not available yet)',
  handler: () => {
    throw new KanpinnInputError('problems: this command is not available yet');
  },
};
