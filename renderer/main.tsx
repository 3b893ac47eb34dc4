/** The renderer's entry: one store over window.mesh, the app frame, and its styles. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { meshBridge } from './bridge/mesh-bridge';
import { createMeshStore } from './store/mesh-store';
import { MeshStoreProvider } from './store/MeshStoreProvider';
import './styles/app.css';

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root');

createRoot(container).render(
  <StrictMode>
    <MeshStoreProvider store={createMeshStore(meshBridge())}>
      <App />
    </MeshStoreProvider>
  </StrictMode>,
);
