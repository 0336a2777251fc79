import { describe, expect, test } from 'vitest';
import { placeIndexLoader } from './load-place-index.ts';

const TEXT = '#kestrel-places v1\np\tBern\tCH\t121631\t7.45\t46.95\n';

describe('placeIndexLoader', () => {
  test('fetches once and shares the parsed index', async () => {
    let fetches = 0;
    const load = placeIndexLoader('/places.tsv', async () => {
      fetches++;
      return TEXT;
    });
    const [a, b] = await Promise.all([load(), load()]);
    expect(a).toBe(b);
    expect(a.places.map((p) => p.name)).toEqual(['Bern']);
    expect(fetches).toBe(1);
  });

  test('forgets a failed load so the next call tries again', async () => {
    let fetches = 0;
    const load = placeIndexLoader('/places.tsv', async () => {
      fetches++;
      if (fetches === 1) throw new Error('offline');
      return TEXT;
    });
    await expect(load()).rejects.toThrow('offline');
    expect((await load()).places).toHaveLength(1);
    expect(fetches).toBe(2);
  });
});
