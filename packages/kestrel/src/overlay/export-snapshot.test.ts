import { describe, expect, it } from 'vitest';
import { exportFileName, snapshotToJson } from './export-snapshot.ts';
import { makeSnapshot } from './overlay-fixture.ts';

describe('snapshotToJson', () => {
  it('round-trips the snapshot with stats, vitals, page health and time', () => {
    const snapshot = makeSnapshot();
    const parsed = JSON.parse(snapshotToJson(snapshot));
    expect(Object.keys(parsed).sort()).toEqual(['pageHealth', 'stats', 'takenAt', 'vitals']);
    expect(parsed).toEqual(snapshot);
  });
  it('keeps unreported vitals as null keys', () => {
    const snapshot = makeSnapshot();
    snapshot.vitals.INP = null;
    expect(JSON.parse(snapshotToJson(snapshot)).vitals).toHaveProperty('INP', null);
  });
});

describe('exportFileName', () => {
  it('stamps the file with the UTC time, without colons', () => {
    expect(exportFileName(Date.UTC(2026, 10, 23, 12, 3, 4, 567), 'json')).toBe('kestrel-perf-2026-11-23T12-03-04Z.json');
    expect(exportFileName(0, 'prom')).toBe('kestrel-perf-1970-01-01T00-00-00Z.prom');
  });
});
