/** The renderer's entry: one store over window.mesh, its events, the app frame, its styles. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { createDesktopActions } from './app/desktop-actions';
import { DesktopProvider } from './app/desktop-context';
import { MeshApiProvider } from './app/mesh-context';
import { meshBridge } from './bridge/mesh-bridge';
import { connectMeshEvents, createMeshStore } from './store/mesh-store';
import { MeshStoreProvider } from './store/MeshStoreProvider';
import './styles/app.css';

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root');

const mesh = meshBridge();
const store = createMeshStore(mesh);
if (mesh !== null) connectMeshEvents(store, mesh);

createRoot(container).render(
  <StrictMode>
    <MeshApiProvider mesh={mesh}>
      <MeshStoreProvider store={store}>
        <DesktopProvider actions={createDesktopActions(store, mesh)}>
          <App />
        </DesktopProvider>
      </MeshStoreProvider>
    </MeshApiProvider>
  </StrictMode>,
);
