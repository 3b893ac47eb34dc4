/**
 * Trust (docs/architecture.md section 5): what this device has verified of its service's log: the
 * last checkpoint, its size and when it was verified, and the service key pinned at first contact.
 * A fork, a rollback or a failed verification is said in plain words: what it means, what to do.
 */
import { useLoad } from '../../app/mesh-context';
import { ScreenFrame, When } from '../../components/ScreenFrame';
import { LoadableView } from '../../components/StateViews';

const warnings: Record<string, { title: string; meaning: string; action: string }> = {
  LOG_INCONSISTENT: {
    title: "The service's log changed its past",
    meaning:
      'The service showed this device a history that does not extend the one it showed before: it may be showing different things to different devices, or it was rolled back.',
    action:
      'Do not approve devices or trust new changes until this is explained. Compare the checkpoint on your other devices, and contact whoever runs the service.',
  },
  PROOF_INVALID: {
    title: 'A proof from the service did not check out',
    meaning: 'The service could not prove that what it sent is in its log.',
    action:
      'Treat what it sent as untrusted. Sync again later; if it goes on, contact the service.',
  },
  SIGNATURE_INVALID: {
    title: 'A signature did not check out',
    meaning: 'Something claimed to come from your Mesh or the service, but its signature is wrong.',
    action: 'Do not use what was received. Sync again; if it goes on, contact the service.',
  },
  PROFILE_MISMATCH: {
    title: 'The service offered a different Mesh',
    meaning:
      "When this device asked to connect, the service answered with another account than the one your connection link or PIN is for: it may be trying to enroll this device into someone else's Mesh. This device refused and kept nothing of it.",
    action:
      'Do not connect through this service. Ask for a new link or PIN on a device of your Mesh, and tell whoever runs the service.',
  },
  UNTRUSTED_PROFILE: {
    title: 'A profile failed verification',
    meaning: 'A profile the service sent is not signed by the keys this device trusts.',
    action: 'Do not approve requests or trust changes from it. Check your devices list.',
  },
};

export function TrustScreen() {
  const [trust, reload] = useLoad((api) => api.trust.status(), []);
  return (
    <ScreenFrame
      title="Trust"
      lead="What this device has checked of the service's public log, so that the service cannot quietly show you a different Mesh."
    >
      <LoadableView value={trust} loading="Reading what this device verified…" onRetry={reload}>
        {(status) => (
          <>
            {status.warning ? (
              <div className="failure panel" role="alert" data-testid="trust-warning">
                <h2>{warnings[status.warning.code]?.title ?? 'A verification failed'}</h2>
                <p>{warnings[status.warning.code]?.meaning}</p>
                <p>
                  <strong>What to do:</strong> {warnings[status.warning.code]?.action}
                </p>
                <p>
                  Seen <When time={status.warning.at} />.
                </p>
              </div>
            ) : (
              <p className="notice" data-testid="trust-ok">
                Everything this device received from the service was proven to be in its log.
              </p>
            )}
            <dl className="facts panel">
              <dt>Service</dt>
              <dd>{status.service ?? 'none yet'}</dd>
              <dt>Service key</dt>
              <dd className="fingerprint">{status.serviceKeyUdf ?? 'not pinned yet'}</dd>
              <dt>Last checkpoint</dt>
              <dd>
                {status.checkpoint
                  ? `${status.checkpoint.treeSize.toLocaleString()} entries`
                  : 'none verified yet'}
              </dd>
              <dt>Verified</dt>
              <dd>
                <When time={status.checkpoint?.verifiedAt ?? null} />
              </dd>
            </dl>
          </>
        )}
      </LoadableView>
    </ScreenFrame>
  );
}
