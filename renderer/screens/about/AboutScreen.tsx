/**
 * About this device: the program's version and platform, the Mesh service it uses and whether
 * this device holds a profile, read through window.mesh (app.info, account.status).
 */
import { useShallow } from 'zustand/react/shallow';
import type { AccountStatus, AppInfo, MeshIpcError } from '../../../shared/ipc/contract';
import { SCREEN_HEADING_ID } from '../../app/screens';
import { useMeshStore } from '../../store/MeshStoreProvider';
import type { Loadable } from '../../store/loadable';

function ReadFailure({ error }: { error: MeshIpcError }) {
  return (
    <p className="failure">
      Could not read this: {error.message} <span className="code">({error.code})</span>
    </p>
  );
}

function ProgramFacts({ info }: { info: Loadable<AppInfo> }) {
  if (info.phase === 'failed') return <ReadFailure error={info.error} />;
  if (info.phase !== 'loaded') return <p>Reading…</p>;
  const { value } = info;
  return (
    <dl className="facts">
      <dt>Version</dt>
      <dd data-testid="app-version">{value.version}</dd>
      <dt>Platform</dt>
      <dd>
        {value.platform} ({value.arch})
      </dd>
      <dt>Electron</dt>
      <dd>{value.electron ?? 'not running in Electron'}</dd>
      <dt>Mesh service</dt>
      <dd>{value.service.kind === 'embedded' ? 'Embedded local service' : value.service.url}</dd>
    </dl>
  );
}

function DeviceFacts({ status }: { status: Loadable<AccountStatus> }) {
  if (status.phase === 'failed') return <ReadFailure error={status.error} />;
  if (status.phase !== 'loaded') return <p>Reading…</p>;
  const { value } = status;
  if (value.state !== 'connected' || value.profileUdf === null || value.deviceUdf === null) {
    return <p data-testid="profile-state">No Mesh profile on this device yet.</p>;
  }
  return (
    <dl className="facts" data-testid="profile-state">
      <dt>Account</dt>
      <dd>{value.address ?? 'not registered at a service'}</dd>
      <dt>Master profile</dt>
      <dd className="fingerprint">{value.profileUdf}</dd>
      <dt>This device</dt>
      <dd className="fingerprint">{value.deviceUdf}</dd>
      <dt>Role</dt>
      <dd>{value.role === 'administrator' ? 'Administrator device' : 'Connected device'}</dd>
    </dl>
  );
}

export function AboutScreen() {
  const { appInfo, sessionStatus, loadSession } = useMeshStore(
    useShallow((state) => ({
      appInfo: state.appInfo,
      sessionStatus: state.sessionStatus,
      loadSession: state.loadSession,
    })),
  );
  const busy = appInfo.phase === 'loading' || sessionStatus.phase === 'loading';
  return (
    <section className="screen" aria-labelledby={SCREEN_HEADING_ID}>
      <h1 id={SCREEN_HEADING_ID} tabIndex={-1}>
        About this device
      </h1>
      <p className="status-line" role="status">
        {busy ? 'Reading from the main process…' : ''}
      </p>
      <div className="panel" aria-busy={busy}>
        <section aria-labelledby="about-program">
          <h2 id="about-program">Program</h2>
          <ProgramFacts info={appInfo} />
        </section>
        <section aria-labelledby="about-device">
          <h2 id="about-device">This device</h2>
          <DeviceFacts status={sessionStatus} />
        </section>
      </div>
      <button
        type="button"
        className="button"
        aria-disabled={busy}
        onClick={() => {
          if (!busy) void loadSession();
        }}
      >
        Read again
      </button>
    </section>
  );
}
