/**
 * `device.activity` (docs/core-api.md): what changed on the account, newest first, from what
 * this device holds - each catalog entry's versions (added, then changed, with the device that
 * made each), deletions, and the personal profile version it holds. Subjects are titles,
 * addresses and sites, never a secret.
 */
import type { CatalogEntry } from '../../../shared/apps/entry';
import { udfMatches } from '../../../shared/udf';
import { catalogsOf } from './catalog-set';
import type { CatalogType } from './catalog-kinds';
import { entryDisplayName } from './site-match';
import type { ApiGroup, DeviceCore } from '../session/api-group';

type Item = Awaited<ReturnType<ApiGroup<'activity'>['list']>>[number];

/** What an entry is called in the activity list. */
function subjectOf(type: CatalogType, content: Record<string, unknown>): string {
  if (type === 'password') {
    return entryDisplayName(content as unknown as Parameters<typeof entryDisplayName>[0]);
  }
  if (type === 'mail') return String(content.EmailAddress ?? '');
  const sites = content.Sites;
  return Array.isArray(sites) && typeof sites[0] === 'string' ? sites[0] : 'network profile';
}

export function activityApi(core: DeviceCore): ApiGroup<'activity'> {
  const { context } = core;
  return {
    async list(request = {}) {
      const binding = context.account();
      if (binding === undefined) return [];
      const profile = await context.personalProfile();
      const names = profile.devices.map((device) => ({
        udf: device.identifier,
        name: device.profile.Description,
      }));
      const nameOf = (udf: string): string | null =>
        names.find((device) => udfMatches(device.udf, udf))?.name ?? null;
      const items: Item[] = [
        {
          time: profile.profile.Updated,
          kind: 'profile',
          action: 'published',
          subject: profile.identifier,
          deviceUdf: null,
          deviceName: null,
        },
      ];
      const catalogs = catalogsOf(context);
      for (const type of ['password', 'mail', 'network'] as const) {
        const replica = await catalogs.replica(type);
        for (const entry of replica.entries() as CatalogEntry<Record<string, unknown>>[]) {
          const subject = subjectOf(type, entry);
          const versions = [...entry.History, entry];
          versions.forEach((version, position) => {
            items.push({
              time: position === 0 ? entry.Created : version.Updated,
              kind: type,
              action: position === 0 ? 'added' : 'changed',
              subject,
              deviceUdf: version.UpdatedBy,
              deviceName: nameOf(version.UpdatedBy),
            });
          });
        }
        for (const deletion of replica.deletions()) {
          items.push({
            time: deletion.Updated,
            kind: type,
            action: 'deleted',
            subject: deletion.Identifier,
            deviceUdf: deletion.UpdatedBy,
            deviceName: nameOf(deletion.UpdatedBy),
          });
        }
      }
      items.sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0));
      return items.slice(0, request.limit ?? 200);
    },
  };
}
