import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Runs the benchmark's own unit tests until the root vitest.config.ts includes `bench/**/*.test.ts`:
// `npx vitest run --config bench/vitest.config.ts`.
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: { include: ['bench/**/*.test.ts'], environment: 'node' },
});
