/**
 * `mesh account sync` (docs/architecture.md section 7, "The CLI"; section 7 "Sync"): bring this
 * device's catalogs and the service's containers level - download what other devices wrote, upload
 * what this one queued, resolve conflicts per entry - with progress on a terminal. On an
 * administrator device it also creates missing application profiles, shares keys with devices
 * that lack them and rotates keys a removed device could read.
 */
import type { meshMethods, ReplyOf } from '../../../shared/ipc/contract';
import { defineCommand } from '../command';
import { withDevice } from './open-device';

function reportLines(report: ReplyOf<(typeof meshMethods)['account.sync']>): string[] {
  const lines = [
    `Downloaded ${report.downloaded} and uploaded ${report.uploaded} entries; log checkpoint ${report.checkpointSize}`,
  ];
  for (const catalog of report.catalogs) {
    const pending = catalog.pending > 0 ? `, ${catalog.pending} to upload` : '';
    const unreadable =
      catalog.unreadable > 0
        ? `, ${catalog.unreadable} written by a later version of Mesh (skipped)`
        : '';
    lines.push(
      !catalog.shared
        ? `  ${catalog.type}: not shared with this device yet`
        : `  ${catalog.type}: ${catalog.entries} entries${pending}${unreadable}`,
    );
  }
  if (report.conflicts > 0) {
    lines.push(
      `${report.conflicts} entries were changed here and on another device: the newer version is current, the other is in the entry's history`,
    );
  }
  if (report.failed.length > 0) {
    lines.push(
      `${report.failed.length} entries are too large for the service and were not uploaded (kept on this device): ${report.failed.map((item) => `${item.type} ${item.id}`).join(', ')}`,
    );
  }
  if (report.carriedOver > 0) {
    lines.push(`Carried ${report.carriedOver} entries over to the application's new key`);
  }
  if (report.created.length > 0)
    lines.push(`Created the ${report.created.join(', ')} applications`);
  if (report.shared.length > 0) {
    lines.push(`Shared the ${report.shared.join(', ')} keys with every device`);
  }
  if (report.rotated.length > 0) {
    lines.push(`Rotated the ${report.rotated.join(', ')} keys (a removed device held them)`);
  }
  return lines;
}

/** `mesh account sync`. */
export const syncCommand = defineCommand({
  name: 'sync',
  summary: 'sync passwords and mail settings with the service now',
  options: {
    profile: {
      type: 'boolean',
      description: 'fetch and verify the personal profile even when nothing calls for it',
    },
  },
  async run(context) {
    const report = await withDevice(context, (device) =>
      device.account.sync({ refreshProfile: context.options.profile === true }),
    );
    return { text: reportLines(report), json: report };
  },
});
