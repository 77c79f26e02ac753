import type { Command } from 'commander';
import { notAvailable } from './context';

export function register(program: Command): void {
  program.command('reset').description('(not available yet)').allowUnknownOption().action(notAvailable('reset'));
}
