import { describe, expect, it } from 'vitest';
import { tileRecord } from '../../test/cache-answers.ts';
import { isIntactTileMeta, isIntactTileRecord, recordCost, RECORD_OVERHEAD_BYTES } from './tile-store.ts';

describe('isIntactTileRecord', () => {
  it('accepts a record with bytes of the recorded size', () => {
    expect(isIntactTileRecord(tileRecord('k', 100, { coord: { z: 2, x: 3, y: 1 } }))).toBe(true);
  });

  it('accepts a cached "no tile" record (null bytes, size 0)', () => {
    expect(isIntactTileRecord({ ...tileRecord('k', 0), bytes: null })).toBe(true);
  });

  it('rejects truncated bytes', () => {
    expect(isIntactTileRecord({ ...tileRecord('k', 100), bytes: new ArrayBuffer(60) })).toBe(false);
  });

  it('rejects bytes of the wrong type', () => {
    expect(isIntactTileRecord({ ...tileRecord('k', 3), bytes: new Uint8Array(3) })).toBe(false);
    expect(isIntactTileRecord({ ...tileRecord('k', 3), bytes: 'abc' })).toBe(false);
    expect(isIntactTileRecord({ ...tileRecord('k', 3), bytes: undefined })).toBe(false);
  });

  it('rejects null bytes that claim a size', () => {
    expect(isIntactTileRecord({ ...tileRecord('k', 10), bytes: null })).toBe(false);
  });

  it('rejects a missing policy, a bad coordinate or a malformed time', () => {
    expect(isIntactTileRecord({ ...tileRecord('k', 10), policy: undefined })).toBe(false);
    expect(isIntactTileRecord({ ...tileRecord('k', 10), coord: { z: 1, x: 2, y: 0 } })).toBe(false);
    expect(isIntactTileRecord({ ...tileRecord('k', 10), lastAccess: 'yesterday' })).toBe(false);
    expect(isIntactTileRecord(null)).toBe(false);
  });
});

describe('isIntactTileMeta', () => {
  it('checks everything but the bytes', () => {
    const { bytes: _bytes, ...meta } = tileRecord('k', 10);
    expect(isIntactTileMeta(meta)).toBe(true);
    expect(isIntactTileMeta({ ...meta, size: -1 })).toBe(false);
  });
});

describe('recordCost', () => {
  it('charges every record its overhead on top of its bytes', () => {
    expect(recordCost(0)).toBe(RECORD_OVERHEAD_BYTES);
    expect(recordCost(1000)).toBe(1000 + RECORD_OVERHEAD_BYTES);
  });
});
