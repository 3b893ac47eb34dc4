/**
 * Master profile (docs/architecture.md section 7): the account, its service, the fingerprints of
 * the master profile and of this device, a QR code of the account, and escrow: make shares (shown
 * once, with print, and a check that the person copied them by asking for one back), and when
 * shares were last made.
 */
import { useState } from 'react';
import type { MeshIpcError } from '../../../shared/ipc/contract';
import { useLoad, useMesh } from '../../app/mesh-context';
import { QrCode } from '../../components/QrCode';
import { ScreenFrame, When } from '../../components/ScreenFrame';
import { Failure, LoadableView } from '../../components/StateViews';

interface MadeShares {
  readonly shares: readonly string[];
  readonly threshold: number;
}

function normalize(share: string): string {
  return share.replace(/[\s-]/g, '').toUpperCase();
}

function SharesOnce({ made, onDone }: { made: MadeShares; onDone: () => void }) {
  const [asked] = useState(() => Math.floor(Math.random() * made.shares.length));
  const [typed, setTyped] = useState('');
  const [wrong, setWrong] = useState(false);
  return (
    <div className="panel" data-testid="made-shares">
      <h2>Your escrow shares</h2>
      <p className="notice">
        These are shown only now. Write each one down (or print this page) and keep them in
        different places: any {made.threshold} of them rebuild your master profile, and fewer reveal
        nothing.
      </p>
      <ol>
        {made.shares.map((share, index) => (
          <li key={index} className="share-print" data-testid="share">
            {share}
          </li>
        ))}
      </ol>
      <div className="button-row no-print">
        <button type="button" className="button quiet" onClick={() => window.print()}>
          Print
        </button>
      </div>
      <form
        className="form no-print"
        onSubmit={(event) => {
          event.preventDefault();
          if (normalize(typed) === normalize(made.shares[asked] ?? '')) onDone();
          else setWrong(true);
        }}
      >
        <label htmlFor="share-back">To check that you copied them, type share {asked + 1}</label>
        <textarea
          id="share-back"
          className="share-input"
          rows={2}
          value={typed}
          aria-invalid={wrong}
          aria-describedby="share-back-result"
          onChange={(event) => {
            setTyped(event.target.value);
            setWrong(false);
          }}
        />
        <p id="share-back-result" className="field-error" aria-live="polite">
          {wrong ? `That is not share ${asked + 1}. Compare it character by character.` : ''}
        </p>
        <button type="submit" className="button">
          I copied them
        </button>
      </form>
    </div>
  );
}

export function ProfileScreen() {
  const mesh = useMesh();
  const [status, reloadStatus] = useLoad((api) => api.account.status(), []);
  const [escrow, reloadEscrow] = useLoad((api) => api.escrow.status(), []);
  const [count, setCount] = useState(3);
  const [threshold, setThreshold] = useState(2);
  const [made, setMade] = useState<MadeShares | null>(null);
  const [error, setError] = useState<MeshIpcError | null>(null);
  const [outcome, setOutcome] = useState('');

  return (
    <ScreenFrame title="Master profile">
      <LoadableView value={status} loading="Reading your profile…" onRetry={reloadStatus}>
        {(account) => (
          <div className="panel">
            <dl className="facts">
              <dt>Account</dt>
              <dd data-testid="account-address">{account.address ?? 'none yet'}</dd>
              <dt>Master profile fingerprint</dt>
              <dd className="fingerprint">{account.profileUdf ?? '—'}</dd>
              <dt>This device</dt>
              <dd>
                {account.deviceName ?? 'unnamed'}{' '}
                <span className="fingerprint">{account.deviceUdf ?? ''}</span>
              </dd>
              <dt>Role</dt>
              <dd>{account.role === 'administrator' ? 'Administrator device' : 'Device'}</dd>
              <dt>Devices</dt>
              <dd>{account.devices ?? '—'}</dd>
            </dl>
            {account.address ? (
              <QrCode text={account.address} label={`QR code of the account ${account.address}`} />
            ) : null}
          </div>
        )}
      </LoadableView>
      <section aria-labelledby="escrow-heading">
        <h2 id="escrow-heading">Escrow shares</h2>
        <p role="status" className="status-line">
          {outcome}
        </p>
        <LoadableView value={escrow} loading="Reading the escrow state…" onRetry={reloadEscrow}>
          {(state) =>
            !state.canMakeShares ? (
              <p>
                Shares are made on the device that keeps the master profile (where you created or
                recovered it).
              </p>
            ) : made ? (
              <SharesOnce
                made={made}
                onDone={() => {
                  setMade(null);
                  setOutcome('Shares checked. Keep them safe.');
                  reloadEscrow();
                }}
              />
            ) : (
              <>
                <p>
                  Last made: <When time={state.lastMadeAt} />
                  {state.shares ? ` (${state.threshold} of ${state.shares})` : ''}
                </p>
                <form
                  className="form"
                  onSubmit={(event) => {
                    event.preventDefault();
                    if (mesh === null) return;
                    void mesh.escrow.makeShares({ shares: count, threshold }).then((reply) => {
                      if (reply.ok) {
                        setMade({ shares: reply.value.shares, threshold: reply.value.threshold });
                        setError(null);
                      } else setError(reply.error);
                    });
                  }}
                >
                  <label htmlFor="share-count">Shares to make</label>
                  <input
                    id="share-count"
                    type="number"
                    min={2}
                    max={15}
                    value={count}
                    onChange={(event) => setCount(Number(event.target.value))}
                  />
                  <label htmlFor="share-threshold">Shares needed to recover</label>
                  <input
                    id="share-threshold"
                    type="number"
                    min={2}
                    max={count}
                    value={threshold}
                    onChange={(event) => setThreshold(Number(event.target.value))}
                  />
                  <button type="submit" className="button" disabled={threshold > count}>
                    Make shares
                  </button>
                </form>
              </>
            )
          }
        </LoadableView>
        {error ? <Failure error={error} /> : null}
      </section>
    </ScreenFrame>
  );
}
