/**
 * `device.network` (docs/core-api.md) over the network application: profiles per site, DNS
 * services shown without their passwords.
 */
import { connectionView } from '../../../shared/apps/connection';
import type { NetworkProfileEntry } from '../../../shared/apps/network-profile';
import type { NetworkProfileInput } from './network-application';
import type { ApiGroup, DeviceCore } from '../session/api-group';

type Group = ApiGroup<'network'>;

function profileView(entry: NetworkProfileEntry): Awaited<ReturnType<Group['add']>> {
  return {
    id: entry.Identifier,
    sites: [...entry.Sites],
    dns: entry.DNS.map(connectionView),
    prefix: [...entry.Prefix],
    webPki: [...entry.WebPKI],
    hasCtl: entry.CTL !== undefined && entry.CTL !== '',
    updated: entry.Updated,
  };
}

function inputOf(request: Parameters<Group['add']>[0]): Partial<NetworkProfileInput> {
  return {
    ...(request.sites !== undefined && { Sites: request.sites }),
    ...(request.dns !== undefined && { DNS: request.dns }),
    ...(request.prefix !== undefined && { Prefix: request.prefix }),
    ...(request.ctl !== undefined && { CTL: request.ctl }),
    ...(request.webPki !== undefined && { WebPKI: request.webPki }),
  };
}

export function networkApi(core: DeviceCore): Group {
  const open = () => core.applications.network();
  return {
    async list() {
      return (await open()).list().map(profileView);
    },
    async add(request, options = {}) {
      return profileView(await (await open()).add(inputOf(request), options));
    },
    /** The given fields replace the current ones; the others are kept. */
    async update(request, options = {}) {
      const network = await open();
      const current = network.list().find((entry) => entry.Identifier === request.id);
      const kept: NetworkProfileInput =
        current === undefined
          ? {}
          : {
              Sites: current.Sites,
              DNS: current.DNS,
              Prefix: current.Prefix,
              WebPKI: current.WebPKI,
              ...(current.CTL !== undefined && { CTL: current.CTL }),
            };
      const input = { ...kept, ...inputOf(request.changes) };
      return profileView(await network.update(request.id, input, options));
    },
    async delete(request, options = {}) {
      await (await open()).delete(request.id, options);
      return { id: request.id };
    },
  };
}
