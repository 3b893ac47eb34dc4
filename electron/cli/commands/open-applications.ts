/**
 * What `mesh password` and `mesh mail` share (docs/architecture.md section 7, "The CLI"): they open
 * the device home as withDevice does and use MeshDevice's feature groups only (`device.passwords`,
 * `device.mail`), with a sync around each command through `device.account.sync` - before it
 * reads, so it shows what other devices wrote; after it changes something, so the change reaches
 * them. Without the service (offline, or --offline) a change stays queued on this device (the
 * groups' `pending` counts it) and a read shows what this device holds, with a note on standard
 * error. A failed verification is never downgraded to a note. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isMeshError, MeshError } from '../../../shared/errors';
import type { MeshDevice } from '../../core/mesh-device';
import { usageError, type CommandContext, type OptionSpec } from '../command';
import { cliWords } from '../error-words';

/** The --offline option of every password and mail command. */
export const offlineOption: OptionSpec = {
  type: 'boolean',
  description: 'do not contact the service: read what this device holds, queue changes',
};

/** Errors that mean "the service cannot be reached now", not "something is wrong". */
const UNREACHABLE = new Set(['NETWORK', 'TIMEOUT', 'OVERLOADED']);

/** How the sync around a command went, for --json. */
export interface SyncOutcome {
  readonly state: 'synced' | 'offline' | 'skipped' | 'refused';
  /** Local changes still waiting for upload. */
  readonly pending: number;
  readonly conflicts?: number;
}

/**
 * Sync around a command (module comment). `when` says which side of the command it is:
 * `before` a read, `after` a change.
 */
export async function syncAround(
  context: CommandContext,
  device: MeshDevice,
  when: 'before' | 'after',
): Promise<SyncOutcome> {
  const pending = async (): Promise<number> =>
    (await device.passwords.pending()).pending + (await device.mail.pending()).pending;
  if ((context.options as { offline?: unknown }).offline === true) {
    return { state: 'skipped', pending: await pending() };
  }
  let report: Awaited<ReturnType<MeshDevice['account']['sync']>>;
  try {
    report = await device.account.sync();
  } catch (error) {
    if (!isMeshError(error)) throw error;
    const unreachable = UNREACHABLE.has(error.code);
    const refused = error.code === 'UNAUTHORIZED' || error.code === 'NOT_CONNECTED';
    if (!unreachable && !refused) {
      if (when === 'before') throw error;
      throw new MeshError(
        error.code,
        `the change is saved on this device, but the sync failed: ${error.message}`,
        { ...error.details },
        { cause: error },
      );
    }
    const left = await pending();
    const note =
      when === 'after'
        ? `the change is saved on this device and will be uploaded at the next sync (${cliWords(error)})`
        : `showing what this device holds (${cliWords(error)})`;
    context.io.stderr(`mesh: ${note}\n`);
    return { state: unreachable ? 'offline' : 'refused', pending: left };
  }
  for (const kept of report.conflictsKept) {
    context.io.stderr(
      `mesh: an entry was also changed on another device; kept the ${kept === 'local' ? 'newer version from this device' : 'newer version from the other device'}, the other is in its history\n`,
    );
  }
  return { state: 'synced', pending: await pending(), conflicts: report.conflicts };
}

/** A secret from an option value, or from standard input when the value is `-`. */
export async function secretArgument(context: CommandContext, value: string): Promise<string> {
  if (value !== '-') return value;
  const text = new TextDecoder().decode(await context.io.stdin.read());
  const secret = text.replace(/\r?\n$/, '');
  if (secret === '') {
    throw new MeshError('INVALID_ARGUMENT', 'standard input was empty: no secret to read', {
      usage: true,
    });
  }
  return secret;
}

/** A file argument's bytes (`-`: standard input); a usage error when it cannot be read. */
export async function readInput(context: CommandContext, name: string): Promise<Uint8Array> {
  if (name === '-') return context.io.stdin.read();
  try {
    return new Uint8Array(await readFile(resolve(context.io.cwd, name)));
  } catch {
    throw usageError(`cannot read ${name}`, { field: 'FILE' });
  }
}
