/**
 * The app frame (docs/architecture.md section 8): a skip link, the banner (with the sync state),
 * the navigation between screens (with the count of pending approvals) and the main region; the
 * lock screen instead of all of it while locked. Keyboard and screen-reader friendly: landmarks
 * with labels, the current screen marked with aria-current, focus moved to the new screen's
 * heading on every change.
 */
import { useEffect, useRef, type MouseEvent } from 'react';
import { selectPendingCount } from '../store/approvals-slice';
import {
  selectHasProfile,
  selectIsAdministrator,
  selectLoadSession,
  selectLock,
} from '../store/session-slice';
import { selectScreen, selectShowScreen } from '../store/navigation-slice';
import { useMeshStore } from '../store/MeshStoreProvider';
import { useDesktop } from './desktop-context';
import { useMesh } from './mesh-context';
import { LockScreen } from './LockScreen';
import { SCREEN_HEADING_ID, visibleScreens } from './screens';
import { SyncIndicator } from './SyncIndicator';

/** How often the program syncs while it runs, besides on start and on focus. */
const SYNC_EVERY_MS = 3 * 60_000;

export function App() {
  const screen = useMeshStore(selectScreen);
  const showScreen = useMeshStore(selectShowScreen);
  const hasProfile = useMeshStore(selectHasProfile);
  const loadSession = useMeshStore(selectLoadSession);
  const pendingCount = useMeshStore(selectPendingCount);
  const lock = useMeshStore(selectLock);
  const desktop = useDesktop();
  const mainRef = useRef<HTMLElement>(null);

  const mesh = useMesh();
  const administrator = useMeshStore(selectIsAdministrator);
  const readApprovals = useMeshStore((state) => state.readApprovals);
  const syncNow = useMeshStore((state) => state.syncNow);
  const lockChanged = useMeshStore((state) => state.lockChanged);

  useEffect(() => {
    void loadSession();
    void mesh?.session.state().then((reply) => {
      if (reply.ok) lockChanged(reply.value);
    });
  }, [loadSession, mesh, lockChanged]);

  // The badge counts what waits even before the Approvals screen is opened.
  useEffect(() => {
    if (administrator && !lock.locked) void readApprovals();
  }, [administrator, lock.locked, readApprovals]);

  // Sync on start, when the window gets the focus, and every few minutes (docs/architecture.md
  // section 7).
  useEffect(() => {
    if (mesh === null || !hasProfile || lock.locked) return;
    const sync = () => void syncNow();
    sync();
    window.addEventListener('focus', sync);
    const timer = setInterval(sync, SYNC_EVERY_MS);
    return () => {
      window.removeEventListener('focus', sync);
      clearInterval(timer);
    };
  }, [mesh, hasProfile, lock.locked, syncNow]);

  const offered = visibleScreens(hasProfile);
  const current = offered.find((entry) => entry.id === screen) ?? offered[0];

  // On load focus stays at the top of the page; afterwards it follows the chosen screen.
  const focusedScreen = useRef(current?.id);
  useEffect(() => {
    if (focusedScreen.current === current?.id) return;
    focusedScreen.current = current?.id;
    document.getElementById(SCREEN_HEADING_ID)?.focus();
  }, [current?.id]);

  const skipToContent = (event: MouseEvent<HTMLAnchorElement>) => {
    event.preventDefault();
    mainRef.current?.focus();
  };

  if (lock.locked) return <LockScreen lock={lock} onUnlock={desktop.unlock} />;

  return (
    <div className="frame">
      <a className="skip-link" href="#content" onClick={skipToContent}>
        Skip to content
      </a>
      <header className="banner">
        <span className="product-name">Mesh Desktop</span>
        {hasProfile ? <SyncIndicator /> : null}
        {hasProfile ? (
          <button type="button" className="button quiet" onClick={() => void desktop.lock()}>
            Lock
          </button>
        ) : null}
      </header>
      <nav className="navigation" aria-label="Screens">
        <ul>
          {offered.map((entry) => (
            <li key={entry.id}>
              <button
                type="button"
                className="navigation-item"
                aria-current={entry.id === current?.id ? 'page' : undefined}
                onClick={() => showScreen(entry.id)}
              >
                {entry.label}
                {entry.id === 'approvals' && pendingCount > 0 ? (
                  <span className="badge" data-testid="approvals-badge">
                    <span aria-hidden="true">{pendingCount}</span>
                    <span className="visually-hidden">, {pendingCount} waiting</span>
                  </span>
                ) : null}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <main id="content" className="content" ref={mainRef} tabIndex={-1}>
        {current ? <current.Component /> : null}
      </main>
    </div>
  );
}
