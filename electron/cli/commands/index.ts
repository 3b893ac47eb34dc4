/**
 * Every command group of `mesh`, in the order `mesh --help` lists them. Adding a group is one
 * line here and one file beside this one (README.md).
 */
import type { CommandGroup } from '../command';
import { accountCommands } from './account';
import { deviceCommands } from './device';
import { hashCommands } from './hash';
import { keyCommands } from './key';
import { mailCommands } from './mail';
import { passwordCommands } from './password';

export const commandGroups: readonly CommandGroup[] = [
  accountCommands,
  deviceCommands,
  hashCommands,
  keyCommands,
  passwordCommands,
  mailCommands,
];
