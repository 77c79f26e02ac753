import type { Command } from 'commander';
import { notAvailable } from './context';

export function register(program: Command): void {
  const s3 = program.command('s3').description('(not available yet)');
  s3.command('bootstrap').description('(not available yet)').allowUnknownOption().action(notAvailable('s3 bootstrap'));
  s3.command('status').description('(not available yet)').allowUnknownOption().action(notAvailable('s3 status'));
}
