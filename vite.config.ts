// The renderer's build (docs/architecture.md section 8): React through @vitejs/plugin-react, from
// renderer/ to dist/renderer, with relative asset URLs so the same build loads from
// `app://mesh/` in Electron and from the loopback browser harness. No inline scripts or styles,
// so the strict Content-Security-Policy holds.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('./renderer', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/renderer', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  clearScreen: false,
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2023',
    // Inlined assets would become data: URLs for scripts and styles, which the CSP refuses.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: false,
  },
});
