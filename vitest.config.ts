import { defineConfig } from 'vitest/config';
import { kestrelFromSource } from './vite.config.ts';

export default defineConfig({
  resolve: { alias: kestrelFromSource },
  test: {
    include: ['src/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'tile-server/**/*.test.ts', 'bench/**/*.test.ts', 'e2e/**/*.test.ts', 'scripts/**/*.test.ts'],
    exclude: ['**/*.browser.test.ts', 'node_modules/**'],
    environment: 'node',
    testTimeout: 20_000,
  },
});
