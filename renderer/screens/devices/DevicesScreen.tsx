/**
 * Devices (docs/architecture.md section 7): every device of the Mesh with its name, fingerprint and
 * role and when its profile was signed; this device marked; rename this device; an administrator
 * changes another device's role (docs/device-flows.md "Roles") or removes it, after a
 * confirmation saying what removal does.
 */
import { useState } from 'react';
import type { MeshIpcError } from '../../../shared/ipc/contract';
import { useLoad, useMesh } from '../../app/mesh-context';
import { displayText } from '../../../shared/encoding/display-text';
import { ScreenFrame, When } from '../../components/ScreenFrame';
import { Failure, LoadableView } from '../../components/StateViews';
import { useMeshStore } from '../../store/MeshStoreProvider';
import { selectIsAdministrator } from '../../store/session-slice';

export function DevicesScreen() {
  const mesh = useMesh();
  const administrator = useMeshStore(selectIsAdministrator);
  const [devices, reload] = useLoad((api) => api.devices.list(), []);
  const [confirming, setConfirming] = useState<{ udf: string; name: string } | null>(null);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [error, setError] = useState<MeshIpcError | null>(null);
  const [outcome, setOutcome] = useState('');

  return (
    <ScreenFrame title="Devices" lead="The devices that share your passwords and settings.">
      <p role="status" className="status-line">
        {outcome}
      </p>
      {error ? <Failure error={error} /> : null}
      <LoadableView
        value={devices}
        loading="Reading your devices…"
        onRetry={reload}
        isEmpty={(list) => list.length === 0}
        empty={<p>No devices yet.</p>}
      >
        {(list) => (
          <table className="table">
            <caption className="visually-hidden">Your devices</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Fingerprint</th>
                <th scope="col">Role</th>
                <th scope="col">Profile signed</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {list.map((device) => {
                const name = displayText(device.name).trim() || 'Unnamed device';
                return (
                  <tr key={device.udf} data-testid="device-row">
                    <td>
                      {name}
                      {device.thisDevice ? <strong> (this device)</strong> : null}
                    </td>
                    <td className="fingerprint">{device.udf}</td>
                    <td>{device.role === 'administrator' ? 'Administrator' : 'Member'}</td>
                    <td>
                      <When time={device.updated} />
                    </td>
                    <td>
                      {device.thisDevice ? (
                        <button
                          type="button"
                          className="button quiet"
                          onClick={() => setRenaming(device.name)}
                        >
                          Rename this device
                        </button>
                      ) : administrator ? (
                        <div className="button-row">
                          <button
                            type="button"
                            className="button quiet"
                            onClick={() => {
                              if (mesh === null) return;
                              const role =
                                device.role === 'administrator' ? 'member' : 'administrator';
                              void mesh.devices.setRole({ udf: device.udf, role }).then((reply) => {
                                if (reply.ok) {
                                  setOutcome(
                                    role === 'administrator'
                                      ? `${name} is now an administrator.`
                                      : `${name} is now a member: it can no longer approve devices.`,
                                  );
                                  setError(null);
                                  reload();
                                } else setError(reply.error);
                              });
                            }}
                          >
                            {device.role === 'administrator'
                              ? `Make ${name} a member`
                              : `Make ${name} an administrator`}
                          </button>
                          <button
                            type="button"
                            className="button danger"
                            onClick={() => setConfirming({ udf: device.udf, name })}
                          >
                            Remove {name}
                          </button>
                        </div>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </LoadableView>
      {renaming !== null ? (
        <form
          className="form panel"
          onSubmit={(event) => {
            event.preventDefault();
            if (mesh === null) return;
            void mesh.devices.rename({ name: renaming }).then((reply) => {
              if (reply.ok) {
                setOutcome(`This device is now called ${reply.value.name}.`);
                setRenaming(null);
                setError(null);
                reload();
              } else setError(reply.error);
            });
          }}
        >
          <label htmlFor="device-name">New name for this device</label>
          <input
            id="device-name"
            type="text"
            value={renaming}
            maxLength={256}
            onChange={(event) => setRenaming(event.target.value)}
          />
          <div className="button-row">
            <button type="submit" className="button" disabled={renaming.trim() === ''}>
              Save name
            </button>
            <button type="button" className="button quiet" onClick={() => setRenaming(null)}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}
      {confirming ? (
        <div
          className="panel"
          role="alertdialog"
          aria-labelledby="remove-heading"
          aria-describedby="remove-what"
        >
          <h2 id="remove-heading">Remove {confirming.name}?</h2>
          <p id="remove-what">
            {confirming.name} will be cut off from your Mesh: the keys of your passwords and
            settings are rotated so that it cannot read anything new, and it can no longer sync.
            What it already holds stays on it. To use it again, connect it anew.
          </p>
          <div className="button-row">
            <button
              type="button"
              className="button danger"
              onClick={() => {
                if (mesh === null) return;
                void mesh.devices.remove({ udf: confirming.udf }).then((reply) => {
                  if (reply.ok) {
                    setOutcome(`${confirming.name} was removed.`);
                    setError(null);
                    reload();
                  } else setError(reply.error);
                  setConfirming(null);
                });
              }}
            >
              Remove it
            </button>
            <button type="button" className="button quiet" onClick={() => setConfirming(null)}>
              Keep it
            </button>
          </div>
        </div>
      ) : null}
    </ScreenFrame>
  );
}
