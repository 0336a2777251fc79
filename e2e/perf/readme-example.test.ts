import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

// The first ```ts block of a Markdown file, after `heading` when one is given.
function firstTsBlock(markdown: string, heading?: string): string | undefined {
  const at = heading === undefined ? 0 : markdown.indexOf(heading);
  if (at < 0) return undefined;
  return /```ts\n([\s\S]*?)```/.exec(markdown.slice(at))?.[1].trim();
}

// The README's section on the fixture shows e2e/perf/example.spec.ts, which the e2e run executes: if the two
// drift apart, the documented example is no longer the tested one.
describe("the README's fixture example", () => {
  it('is e2e/perf/example.spec.ts, word for word', () => {
    const block = firstTsBlock(read('../../README.md'), "## Using Kestrel's fixture");
    expect(block, 'a ```ts block in the fixture section of README.md').toBeDefined();
    expect(block).toBe(read('./example.spec.ts').trim());
  });
});

// The README's quick start is examples/overlay-control/src/main.ts, which e2e/examples/packed.spec.ts builds from the
// packed tarball and runs: if the two drift apart, the documented quick start is no longer the tested one.
describe("the README's quick start", () => {
  const quickStart = read('../../examples/overlay-control/src/main.ts').trim();

  it('is examples/overlay-control/src/main.ts, word for word', () => {
    const block = firstTsBlock(read('../../README.md'), '## Kestrel in your own MapLibre app');
    expect(block, 'a ```ts block in the quick-start section of README.md').toBeDefined();
    expect(block).toBe(quickStart);
  });

  it("is also the package README's example", () => {
    expect(firstTsBlock(read('../../packages/kestrel/README.md'))).toBe(quickStart);
  });
});
