import { describe, expect, it } from 'vitest';
import { fillTileTemplate, isPrefetchableTemplate } from './tile-template.ts';

describe('fillTileTemplate', () => {
  it('fills z/x/y like MapLibre', () => {
    expect(fillTileTemplate({ tiles: ['https://t.test/tiles/{z}/{x}/{y}.pbf?key=k'] }, { z: 5, x: 17, y: 11 })).toBe(
      'https://t.test/tiles/5/17/11.pbf?key=k',
    );
  });

  it('picks the template by (x + y) mod the number of templates', () => {
    const source = { tiles: ['https://a.test/{z}/{x}/{y}', 'https://b.test/{z}/{x}/{y}'] };
    expect(fillTileTemplate(source, { z: 3, x: 1, y: 2 })).toBe('https://b.test/3/1/2');
    expect(fillTileTemplate(source, { z: 3, x: 2, y: 2 })).toBe('https://a.test/3/2/2');
  });

  it('flips y for a TMS scheme and fills {prefix} from x and y in hex', () => {
    expect(fillTileTemplate({ tiles: ['https://t.test/{prefix}/{z}/{x}/{y}'], scheme: 'tms' }, { z: 5, x: 26, y: 3 })).toBe(
      'https://t.test/a3/5/26/28',
    );
  });
});

describe('isPrefetchableTemplate', () => {
  it('accepts z/x/y templates and rejects tokens whose value the worker cannot know or parse back', () => {
    expect(isPrefetchableTemplate('https://t.test/{z}/{x}/{y}.pbf')).toBe(true);
    expect(isPrefetchableTemplate('https://{prefix}.t.test/{z}/{x}/{y}.png')).toBe(true);
    expect(isPrefetchableTemplate('https://t.test/{z}/{x}/{y}{ratio}.png')).toBe(false);
    expect(isPrefetchableTemplate('https://t.test/{quadkey}.png')).toBe(false);
    expect(isPrefetchableTemplate('https://t.test/tile.png')).toBe(false);
  });
});
