// Builds the dashboard into web/dist: `npm run build:web`. The server serves it as static
// files under a strict CSP, so the build must emit no inline script (Vite's default output).
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Inlined assets would be data: URLs; keep everything a same-origin file.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
