import { defineConfig } from 'vite';

export default defineConfig({
  optimizeDeps: {
    // kestrel-maps starts its workers from files beside its entry (new URL('./engine.worker.mjs', import.meta.url)).
    // The dev server's pre-bundling moves that entry into node_modules/.vite/deps/, away from them (Vite 7; Vite 8
    // rewrites the URLs), so it is served as published…
    exclude: ['kestrel-maps'],
    // …and the CommonJS React its overlay imports must then be pre-bundled by name.
    include: ['react', 'react-dom/client', 'react/jsx-runtime'],
  },
});
