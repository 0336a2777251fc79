import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

// The README's section on the fixture shows e2e/perf/example.spec.ts, which the e2e run executes: if the two
// drift apart, the documented example is no longer the tested one.
describe("the README's fixture example", () => {
  it('is e2e/perf/example.spec.ts, word for word', () => {
    const readme = read('../../README.md');
    const section = readme.slice(readme.indexOf("## Using Kestrel's fixture"));
    const block = /```ts\n([\s\S]*?)```/.exec(section);
    expect(block, 'a ```ts block in the fixture section of README.md').not.toBeNull();
    expect(block![1].trim()).toBe(read('./example.spec.ts').trim());
  });
});

// The README's quick start is examples/overlay-control/src/main.ts, which e2e/examples/packed.spec.ts builds from the
// packed tarball and runs: if the two drift apart, the documented quick start is no longer the tested one.
describe("the README's quick start", () => {
  it('is examples/overlay-control/src/main.ts, word for word', () => {
    const readme = read('../../README.md');
    const section = readme.slice(readme.indexOf('## Kestrel in your own MapLibre app'));
    const block = /```ts\n([\s\S]*?)```/.exec(section);
    expect(block, 'a ```ts block in the quick-start section of README.md').not.toBeNull();
    expect(block![1].trim()).toBe(read('../../examples/overlay-control/src/main.ts').trim());
  });

  it("is also the package README's example", () => {
    const block = /```ts\n([\s\S]*?)```/.exec(read('../../packages/kestrel/README.md'));
    expect(block![1].trim()).toBe(read('../../examples/overlay-control/src/main.ts').trim());
  });
});
