/** Network settings (draft-hallambaker-mesh-schema §5.9 as the core has them): per-site DNS and search prefixes. */
import { useState } from 'react';
import type { MeshIpcError } from '../../../shared/ipc/contract';
import { useLoad, useMesh } from '../../app/mesh-context';
import { useSyncedReload } from '../../app/use-synced-reload';
import { ScreenFrame, When } from '../../components/ScreenFrame';
import { Failure, LoadableView } from '../../components/StateViews';

function list(text: string): string[] {
  return text
    .split(/[,\s]+/)
    .map((item) => item.trim())
    .filter(Boolean);
}

export function NetworkScreen() {
  const mesh = useMesh();
  const [profiles, reload] = useLoad((api) => api.network.list(), []);
  const changed = useSyncedReload(reload);
  const [sites, setSites] = useState('');
  const [prefix, setPrefix] = useState('');
  const [error, setError] = useState<MeshIpcError | null>(null);
  return (
    <ScreenFrame
      title="Network settings"
      lead="Name servers and search domains for the networks you use, the same on every device."
    >
      <LoadableView
        value={profiles}
        loading="Reading network settings…"
        onRetry={reload}
        isEmpty={(items) => items.length === 0}
        empty={<p>No network settings yet.</p>}
      >
        {(items) => (
          <table className="table">
            <caption className="visually-hidden">Network settings</caption>
            <thead>
              <tr>
                <th scope="col">Sites</th>
                <th scope="col">Name servers</th>
                <th scope="col">Search domains</th>
                <th scope="col">Changed</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.id}>
                  <td>{item.sites.join(', ') || 'any'}</td>
                  <td>{item.dns.map((dns) => dns.ServiceName ?? dns.URI ?? '').join(', ')}</td>
                  <td>{item.prefix.join(', ')}</td>
                  <td>
                    <When time={item.updated} />
                  </td>
                  <td>
                    <button
                      type="button"
                      className="button quiet"
                      onClick={() =>
                        void mesh?.network.delete({ id: item.id }).then((reply) => {
                          if (reply.ok) changed();
                          else setError(reply.error);
                        })
                      }
                    >
                      Delete {item.sites[0] ?? 'setting'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </LoadableView>
      <form
        className="form panel"
        onSubmit={(event) => {
          event.preventDefault();
          if (mesh === null) return;
          void mesh.network.add({ sites: list(sites), prefix: list(prefix) }).then((reply) => {
            if (reply.ok) {
              setSites('');
              setPrefix('');
              setError(null);
              changed();
            } else setError(reply.error);
          });
        }}
      >
        <h2>Add network settings</h2>
        <label htmlFor="network-sites">Sites (separated by commas)</label>
        <input
          id="network-sites"
          type="text"
          value={sites}
          onChange={(event) => setSites(event.target.value)}
        />
        <label htmlFor="network-prefix">Search domains</label>
        <input
          id="network-prefix"
          type="text"
          value={prefix}
          onChange={(event) => setPrefix(event.target.value)}
        />
        {error ? <Failure error={error} /> : null}
        <button type="submit" className="button" disabled={sites.trim() === ''}>
          Add
        </button>
      </form>
    </ScreenFrame>
  );
}
