import { describe, expect, it } from 'vitest';
import { CorsProbe } from './cors-probe.ts';

const signal = new AbortController().signal;

describe('CorsProbe', () => {
  it('calls a failure CORS when the server answers a no-cors request (opaque)', async () => {
    const probe = new CorsProbe(async () => ({ type: 'opaque' }), () => 'http://app.test');
    expect(await probe.blocks('http://tiles.test/1/2/3.pbf', signal)).toBe(true);
    expect(probe.error('http://tiles.test/1/2/3.pbf')).toMatchObject({ name: 'CorsError', message: expect.stringContaining('Access-Control-Allow-Origin') });
  });

  it('calls it a network failure when the probe fails too', async () => {
    const probe = new CorsProbe(() => Promise.reject(new TypeError('Failed to fetch')), () => 'http://app.test');
    expect(await probe.blocks('http://tiles.test/1/2/3.pbf', signal)).toBe(false);
  });

  it('never probes its own origin: CORS does not apply there', async () => {
    let probes = 0;
    const probe = new CorsProbe(async () => (probes++, { type: 'opaque' }), () => 'http://app.test');
    expect(await probe.blocks('http://app.test/tiles/1/2/3.pbf', signal)).toBe(false);
    expect(probes).toBe(0);
  });

  it('probes an origin at most once per 10 s and keeps no token of the URL in its error', async () => {
    let probes = 0;
    let now = 0;
    const probe = new CorsProbe(async () => (probes++, { type: 'opaque' }), () => 'http://app.test', () => now);
    await probe.blocks('http://tiles.test/1/2/3.pbf?key=SECRET', signal);
    await probe.blocks('http://tiles.test/1/2/4.pbf', signal);
    expect(probes).toBe(1);
    now = 10_001;
    await probe.blocks('http://tiles.test/1/2/4.pbf', signal);
    expect(probes).toBe(2);
    expect(probe.error('http://tiles.test/1/2/3.pbf?key=SECRET').message).not.toContain('SECRET');
  });
});
