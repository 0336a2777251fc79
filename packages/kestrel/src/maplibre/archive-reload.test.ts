import { describe, expect, it } from 'vitest';
import { sameArchive } from './archive-reload.ts';

describe('sameArchive: a style source against an archive the engine reports', () => {
  it('matches the pmtiles:// source of the archive, whatever its token', () => {
    expect(sameArchive('pmtiles://https://cdn.test/world.pmtiles?key=secret', 'https://cdn.test/world.pmtiles?key=sha256-abc')).toBe(true);
    expect(sameArchive('pmtiles://https://cdn.test/world.pmtiles', 'https://cdn.test/world.pmtiles')).toBe(true);
  });

  it('does not match another archive or a z/x/y TileJSON at the same address', () => {
    expect(sameArchive('pmtiles://https://cdn.test/other.pmtiles', 'https://cdn.test/world.pmtiles')).toBe(false);
    expect(sameArchive('https://cdn.test/world.pmtiles', 'https://cdn.test/world.pmtiles')).toBe(false);
  });
});
