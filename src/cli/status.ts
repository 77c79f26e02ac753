import type { Command } from 'commander';
import { notAvailable } from './context';

export function register(program: Command): void {
  program.command('status').description('(not available yet)').allowUnknownOption().action(notAvailable('status'));
}
