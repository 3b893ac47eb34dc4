/**
 * Approvals (docs/architecture.md section 7): devices asking to join, live (the `pendingApproval`
 * event, with `connect.pending` read on open and on each event), each with its name, fingerprint
 * and the witness in large type to compare with the one the new device shows; approve or reject;
 * issue a one-time PIN with its QR code and expiry. A device that cannot approve says who can.
 */
import { useCallback, useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { MeshIpcError } from '../../../shared/ipc/contract';
import { useMesh } from '../../app/mesh-context';
import { QrCode } from '../../components/QrCode';
import { displayText } from '../../../shared/encoding/display-text';
import { ScreenFrame, When } from '../../components/ScreenFrame';
import { Failure, Loading } from '../../components/StateViews';
import { Witness } from '../../components/Witness';
import { useMeshStore } from '../../store/MeshStoreProvider';
import { selectIsAdministrator } from '../../store/session-slice';

interface IssuedPin {
  readonly pin: string;
  readonly uri: string;
  readonly expires: string;
}

function PinIssuer() {
  const mesh = useMesh();
  const [pin, setPin] = useState<IssuedPin | null>(null);
  const [error, setError] = useState<MeshIpcError | null>(null);
  const [minutes, setMinutes] = useState(10);
  return (
    <section aria-labelledby="pin-heading" className="panel">
      <h2 id="pin-heading">Connect with a PIN instead</h2>
      <p>
        Give the new device a one-time PIN (or let it scan the QR code): it is approved as soon as
        it asks, without comparing codes.
      </p>
      <div className="form">
        <label htmlFor="pin-minutes">Valid for (minutes)</label>
        <input
          id="pin-minutes"
          type="number"
          min={1}
          max={1440}
          value={minutes}
          onChange={(event) => setMinutes(Number(event.target.value))}
        />
      </div>
      <div className="button-row">
        <button
          type="button"
          className="button"
          onClick={() => {
            if (mesh === null) return;
            void mesh.connect
              .issuePin({ expiresInSeconds: Math.max(60, Math.min(86_400, minutes * 60)) })
              .then((reply) => {
                if (reply.ok) {
                  setPin(reply.value);
                  setError(null);
                } else setError(reply.error);
              });
          }}
        >
          Issue a PIN
        </button>
      </div>
      {error ? <Failure error={error} /> : null}
      {pin ? (
        <div className="pin" data-testid="issued-pin">
          <Witness value={pin.pin} label="PIN" />
          <QrCode text={pin.uri} label="QR code of the connection link with the PIN" />
          <p>
            Link: <span className="fingerprint">{pin.uri}</span>
          </p>
          <p>
            Expires <When time={pin.expires} />.
          </p>
        </div>
      ) : null}
    </section>
  );
}

type DeviceRole = 'member' | 'administrator';

/** The two roles a new device can get, each in one line (docs/device-flows.md "Roles"). */
const ROLE_CHOICES: readonly { role: DeviceRole; words: string }[] = [
  { role: 'member', words: 'Member: uses your passwords and settings' },
  {
    role: 'administrator',
    words: 'Administrator: can also approve, remove and change the role of devices',
  },
];

export function ApprovalsScreen() {
  const mesh = useMesh();
  const administrator = useMeshStore(selectIsAdministrator);
  const { pending, approvalsLoad, readApprovals, approvalSettled } = useMeshStore(
    useShallow((state) => ({
      pending: state.pending,
      approvalsLoad: state.approvalsLoad,
      readApprovals: state.readApprovals,
      approvalSettled: state.approvalSettled,
    })),
  );
  const [busy, setBusy] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<string>('');
  // The role each request will get when approved: member unless the person chooses otherwise.
  const [roles, setRoles] = useState<Readonly<Record<string, DeviceRole>>>({});
  const [error, setError] = useState<MeshIpcError | null>(null);

  useEffect(() => {
    if (administrator) void readApprovals();
  }, [administrator, readApprovals]);

  const answer = useCallback(
    async (id: string, name: string, action: 'accept' | 'reject') => {
      if (mesh === null) return;
      setBusy(id);
      const reply =
        action === 'accept'
          ? await mesh.connect.accept({ selector: id, role: roles[id] ?? 'member' })
          : await mesh.connect.reject({ selector: id });
      setBusy(null);
      if (reply.ok) {
        approvalSettled(id);
        setError(null);
        setOutcome(action === 'accept' ? `${name} is now connected.` : `${name} was rejected.`);
        void readApprovals();
      } else setError(reply.error);
    },
    [mesh, roles, approvalSettled, readApprovals],
  );

  if (!administrator) {
    return (
      <ScreenFrame title="Approvals">
        <p className="notice">
          This device cannot approve new devices. Only an administrator device can: the one you
          created your Mesh on, one you recovered it on, or one an administrator made an
          administrator (Devices). Approve the new device there.
        </p>
      </ScreenFrame>
    );
  }

  return (
    <ScreenFrame
      title="Approvals"
      lead="A device that asks to join your Mesh shows a code. Approve it only if the code below is the same."
    >
      <p role="status" className="status-line">
        {outcome}
      </p>
      {error ? <Failure error={error} /> : null}
      {approvalsLoad.phase === 'failed' ? (
        <Failure error={approvalsLoad.error} onRetry={() => void readApprovals()} />
      ) : approvalsLoad.phase === 'loading' && pending.length === 0 ? (
        <Loading what="Looking for devices waiting for approval…" />
      ) : pending.length === 0 ? (
        <div className="empty">
          <p>No device is waiting. A request appears here as soon as a new device asks.</p>
        </div>
      ) : (
        <ul className="approvals" aria-label="Devices waiting for approval">
          {pending.map((request) => {
            const name = displayText(request.deviceName).trim() || 'Unnamed device';
            return (
              <li key={request.id} className="panel" data-testid="pending-request">
                <h2>{name}</h2>
                <dl className="facts">
                  <dt>Fingerprint</dt>
                  <dd className="fingerprint">{request.deviceUdf}</dd>
                  <dt>Asks until</dt>
                  <dd>
                    <When time={request.expires} />
                  </dd>
                </dl>
                {request.pinVerified ? (
                  <p>This device used a PIN you issued.</p>
                ) : (
                  <Witness
                    value={request.witness}
                    label="Code to compare with the one the new device shows"
                  />
                )}
                {request.serviceWitnessAgrees ? null : (
                  <p className="failure">
                    The service reported a different code: do not approve this device.
                  </p>
                )}
                <fieldset className="role-choice">
                  <legend>What {name} may do</legend>
                  {ROLE_CHOICES.map((choice) => (
                    <label key={choice.role}>
                      <input
                        type="radio"
                        name={`role-${request.id}`}
                        value={choice.role}
                        checked={(roles[request.id] ?? 'member') === choice.role}
                        onChange={() => setRoles({ ...roles, [request.id]: choice.role })}
                      />
                      {choice.words}
                    </label>
                  ))}
                </fieldset>
                <div className="button-row">
                  <button
                    type="button"
                    className="button"
                    disabled={busy !== null}
                    onClick={() => void answer(request.id, name, 'accept')}
                  >
                    Approve {name}
                  </button>
                  <button
                    type="button"
                    className="button quiet"
                    disabled={busy !== null}
                    onClick={() => void answer(request.id, name, 'reject')}
                  >
                    Reject {name}
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
      <PinIssuer />
    </ScreenFrame>
  );
}
