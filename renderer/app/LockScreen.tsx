/**
 * The lock screen (docs/architecture.md section 8): shown over everything while the program is
 * locked. It says why it locked and unlocks through the OS keychain (`session.unlock`); a keychain
 * that does not answer is said in words, and the window stays locked.
 */
import { useEffect, useRef, useState } from 'react';
import type { LockStateView } from '../../shared/ipc/desktop';
import type { MeshIpcError } from '../../shared/ipc/contract';
import { Failure } from '../components/StateViews';

const reasons: Record<NonNullable<LockStateView['reason']>, string> = {
  user: 'You locked Mesh Desktop.',
  idle: 'Mesh Desktop locked itself after a while without use.',
  suspend: 'Mesh Desktop locked when the computer went to sleep.',
  'lock-screen': 'Mesh Desktop locked with your screen.',
};

export function LockScreen({
  lock,
  onUnlock,
}: {
  lock: LockStateView;
  onUnlock: () => Promise<MeshIpcError | null>;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<MeshIpcError | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <main className="lock-screen" aria-labelledby="lock-heading">
      <h1 id="lock-heading" ref={heading} tabIndex={-1}>
        Mesh Desktop is locked
      </h1>
      <p>{lock.reason ? reasons[lock.reason] : 'Mesh Desktop is locked.'}</p>
      <p>Your passwords are not in this window until you unlock it with your system keychain.</p>
      {error ? <Failure error={error} /> : null}
      <button
        type="button"
        className="button primary"
        aria-disabled={busy}
        onClick={() => {
          if (busy) return;
          setBusy(true);
          void onUnlock().then((failure) => {
            setError(failure);
            setBusy(false);
          });
        }}
      >
        {busy ? 'Unlocking…' : 'Unlock'}
      </button>
    </main>
  );
}
