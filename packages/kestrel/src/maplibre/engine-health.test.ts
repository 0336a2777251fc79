import { describe as suite, expect, it } from 'vitest';
import type { EngineStats } from '../contract/engine-api.ts';
import { NoticeBoard } from '../client/notices.ts';
import { describe } from './engine-health.ts';

function stats(failed: number, cors: number, networkOk: number, retries = { total: 0, paced: 0 }): EngineStats {
  return {
    retries,
    requests: { failed },
    failures: cors ? { cors } : {},
    breakers: {},
    cache: { hits: { network: networkOk, staleServed: 0 }, idb: { status: 'ok' } },
  } as unknown as EngineStats;
}

suite('engine health notices', () => {
  it('says CORS, not "not answering", when the only failures are CORS refusals', () => {
    const notices = new NoticeBoard();
    describe(stats(3, 3, 0), stats(0, 0, 0), notices);
    expect(notices.list().map((n) => n.key)).toEqual(['cors']);
    expect(notices.list()[0].text).toContain('Access-Control-Allow-Origin');
  });

  it('says "not answering" while tiles wait on retries and nothing arrives, before any tile gives up', () => {
    const notices = new NoticeBoard();
    describe(stats(0, 0, 0, { total: 4, paced: 0 }), stats(0, 0, 0), notices);
    expect(notices.list().map((n) => n.key)).toEqual(['network']);
  });

  it('does not call a rate-limited server (paced retries) "not answering"', () => {
    const notices = new NoticeBoard();
    describe(stats(0, 0, 0, { total: 4, paced: 4 }), stats(0, 0, 0), notices);
    expect(notices.list()).toEqual([]);
  });

  it('still says "not answering" for other failures', () => {
    const notices = new NoticeBoard();
    describe(stats(5, 2, 0), stats(0, 0, 0), notices);
    expect(notices.list().map((n) => n.key).sort()).toEqual(['cors', 'network']);
  });

  it('names an archive whose host ignores Range, and words it for the user', () => {
    const notices = new NoticeBoard();
    const now = { ...stats(1, 0, 0), archives: { 'https://cdn.test/world.pmtiles': { replaced: 0, problem: { reason: 'range-ignored', message: 'HTTP 200' } } } };
    describe(now as unknown as EngineStats, stats(0, 0, 0), notices);
    const notice = notices.list().find((n) => n.key === 'archive');
    expect(notice?.text).toMatch(/world\.pmtiles: its host sends the whole file instead of byte ranges/);
  });

  it('says when an archive was replaced on its host, once, and clears a fixed problem', () => {
    const notices = new NoticeBoard();
    const before = { ...stats(0, 0, 0), archives: { 'https://cdn.test/world.pmtiles': { replaced: 0, problem: { reason: 'archive-invalid', message: 'x' } } } };
    const after = { ...stats(0, 0, 1), archives: { 'https://cdn.test/world.pmtiles': { replaced: 1 } } };
    describe(before as unknown as EngineStats, undefined, notices);
    expect(notices.list().map((n) => n.key)).toContain('archive');
    describe(after as unknown as EngineStats, before as unknown as EngineStats, notices);
    expect(notices.list().map((n) => n.key)).toEqual(['archive-replaced']);
  });

  it('names a host that only fails while another host of the style answers (a dead host beside a live one)', () => {
    const notices = new NoticeBoard();
    const host = (answered: number, failed: number) => ({ state: 'closed', consecutiveFailures: failed, answered, failed });
    const before = { ...stats(0, 0, 10), breakers: { 'tiles.test': host(10, 0), 'dead.test:9': host(0, 1) } };
    const after = { ...stats(0, 0, 16), retries: { total: 2, paced: 0 }, breakers: { 'tiles.test': host(16, 0), 'dead.test:9': host(0, 3) } };
    describe(after as unknown as EngineStats, before as unknown as EngineStats, notices);
    expect(notices.list().map((n) => n.key)).toEqual(['network']);
    expect(notices.list()[0].text).toContain('dead.test:9');
    expect(notices.list()[0].text).not.toContain('tiles.test');
  });

  it('does not call a host that answers between its failures "not answering"', () => {
    const notices = new NoticeBoard();
    const before = { ...stats(0, 0, 10), breakers: { 'tiles.test': { state: 'closed', consecutiveFailures: 0, answered: 10, failed: 1 } } };
    const after = { ...stats(0, 0, 14), breakers: { 'tiles.test': { state: 'closed', consecutiveFailures: 1, answered: 14, failed: 3 } } };
    describe(after as unknown as EngineStats, before as unknown as EngineStats, notices);
    expect(notices.list()).toEqual([]);
  });
});
