import { TributaryError } from '@tributary/schema';

/** Wrong usage of the command line: exit code 2, message names the problem and the fix. */
export class CliUsageError extends TributaryError {
  constructor(message: string) {
    super('cli_usage', message);
    this.name = 'CliUsageError';
  }
}
