/**
 * `device.account` (docs/core-api.md): where this device stands, an account name checked as it
 * is typed, a new account, a sync, and where syncing stands (the query behind `sync-state`).
 */
import { checkAccountName } from '../../../shared/protocol/account-name';
import { isMeshError } from '../../../shared/errors';
import type { SyncState } from '../../../shared/ipc/contract';
import { parseAccountAddress } from '../protocol/account-address';
import { createAccount } from '../profile/create-account';
import { deviceStatus } from './status';
import { type ApiGroup, type DeviceCore, orNull } from './api-group';

/** The sync state the device last announced (kept by MeshDevice), and what is queued now. */
export interface SyncStateSource {
  current(): SyncState;
  /** Local edits waiting for upload now, counted as the `sync-state` event counts them. */
  pending(): Promise<number>;
}

/** Why a name is refused, as a code: the message's words stay in the core's reason. */
function problemOf(reason: string | undefined): string {
  if (reason === undefined) return 'invalid';
  if (reason.includes('@service')) return 'service';
  if (reason.includes('characters long')) return 'length';
  if (reason.includes('not allowed')) return 'characters';
  if (reason.includes('start and end')) return 'edges';
  if (reason.includes('two dots')) return 'dots';
  return 'invalid';
}

export function accountApi(core: DeviceCore, sync: SyncStateSource): ApiGroup<'account'> {
  return {
    async status(request = {}, options = {}) {
      const status = await deviceStatus(core.context, {
        refresh: request.refresh ?? false,
        signal: options.signal,
      });
      return {
        state: status.state,
        address: orNull(status.address),
        service: orNull(status.service),
        witness: orNull(status.request?.witness),
        profileUdf: orNull(status.profileUdf),
        deviceUdf: orNull(status.deviceUdf),
        deviceName: orNull(status.deviceName),
        role: orNull(status.role),
        devices: orNull(status.devices),
        profileUpdated: orNull(status.profileUpdated),
        lastSync: orNull(status.lastSync),
        online: status.online,
      };
    },

    async validate(request) {
      const name = request.name.trim();
      if (name === '') {
        return { valid: false, address: null, problem: 'empty', invalidCharacters: null };
      }
      const local = name.includes('@') ? name.slice(0, name.lastIndexOf('@')) : name;
      const check = checkAccountName(local);
      if (!check.valid) {
        return {
          valid: false,
          address: null,
          problem: problemOf(check.reason),
          invalidCharacters: orNull(check.invalidCharacters),
        };
      }
      try {
        const address = parseAccountAddress(await core.address(name));
        return { valid: true, address: address.text, problem: null, invalidCharacters: null };
      } catch (error) {
        if (!isMeshError(error)) throw error;
        return { valid: false, address: null, problem: 'service', invalidCharacters: null };
      }
    },

    async create(request, options = {}) {
      const created = await createAccount(core.context, {
        address: await core.address(request.address),
        deviceName: request.deviceName,
        signal: options.signal,
      });
      return { ...created };
    },

    async sync(request = {}, options = {}) {
      const report = await core.applications.sync({
        signal: options.signal,
        ...(request.refreshProfile !== undefined && { refreshProfile: request.refreshProfile }),
      });
      return {
        downloaded: report.downloaded,
        uploaded: report.uploaded,
        conflicts: report.conflicts.length,
        conflictsKept: report.conflicts.map((conflict) => conflict.kept),
        profileRefreshed: report.profileRefreshed,
        catalogs: report.catalogs.map((catalog) => ({
          type: catalog.type,
          shared: catalog.container !== undefined,
          entries: catalog.entries,
          pending: catalog.pending,
          unreadable: catalog.unreadable,
        })),
        carriedOver: report.carriedOver,
        created: [...report.created],
        shared: [...report.shared],
        rotated: [...report.rotated],
        checkpointSize: report.checkpointSize,
        failed: report.failed.map((item) => ({ type: item.type, id: item.identifier })),
      };
    },

    async syncState() {
      // The announced state, with the queue as it stands now: a change made since the last sync
      // is counted before the next one runs.
      return { ...sync.current(), pending: await sync.pending() };
    },
  };
}
