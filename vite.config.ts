import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The tile server's URL is baked into dev builds by `npm start` (KESTREL_TILE_URL); a built app falls back to
// port 8787 on the page's own host, and `?style=` overrides both (see src/app/map/style-url.ts).
export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  // idb and comlink are only imported by the worker: without this Vite discovers them late in dev and reloads the page.
  optimizeDeps: { include: ['idb', 'comlink'] },
  define: {
    __KESTREL_TILE_URL__: JSON.stringify(process.env.KESTREL_TILE_URL ?? ''),
  },
  server: { host: '127.0.0.1', port: Number(process.env.APP_PORT ?? 5173) },
  preview: { host: '127.0.0.1', port: Number(process.env.APP_PORT ?? 4173) },
  build: { sourcemap: true, chunkSizeWarningLimit: 2000 },
});
