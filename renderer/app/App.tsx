/**
 * The app frame (DESIGN.md section 8): a skip link, the banner, the navigation between screens
 * and the main region. Keyboard and screen-reader friendly: landmarks with labels, the current
 * screen marked with aria-current, focus moved to the new screen's heading on every change.
 */
import { useEffect, useRef, type MouseEvent } from 'react';
import { selectHasProfile, selectLoadSession } from '../store/session-slice';
import { selectScreen, selectShowScreen } from '../store/navigation-slice';
import { useMeshStore } from '../store/MeshStoreProvider';
import { SCREEN_HEADING_ID, visibleScreens } from './screens';

export function App() {
  const screen = useMeshStore(selectScreen);
  const showScreen = useMeshStore(selectShowScreen);
  const hasProfile = useMeshStore(selectHasProfile);
  const loadSession = useMeshStore(selectLoadSession);
  const mainRef = useRef<HTMLElement>(null);

  useEffect(() => {
    void loadSession();
  }, [loadSession]);

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

  return (
    <div className="frame">
      <a className="skip-link" href="#content" onClick={skipToContent}>
        Skip to content
      </a>
      <header className="banner">
        <span className="product-name">Mesh Desktop</span>
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
