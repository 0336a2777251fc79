import { seededRandom } from '../../packages/kestrel/test/seeded-random.ts';

// What a phase of the chaos run does to the world. Server faults are fault documents for the tile server;
// the others are acted out by the runner (chaos-run.ts).
export type ServerFaultKind = '5xx' | '429' | 'hang' | 'slow-body' | 'truncated' | 'html' | 'garbage' | 'oversize' | 'mixed';
export type PhaseKind =
  | ServerFaultKind
  | 'server-restart'
  | 'refused-port'
  | 'offline'
  | 'tiny-quota'
  | 'clear-site-data'
  | 'db-delete'
  | 'db-upgrade'
  | 'terminate-engine'
  | 'duplicate-tab';

export type ChaosMode = 'short' | 'full';

export interface Phase {
  kind: PhaseKind;
  durationMs: number;
  // the tile server's fault document for this phase (server fault kinds only)
  faults?: Record<string, unknown>;
  // the notice (NoticeBoard key) this phase must bring up: the page states the degradation
  expectNotice?: 'network' | 'engine' | 'idb' | 'offline';
}

export interface ChaosPlan {
  seed: number;
  mode: ChaosMode;
  phases: Phase[];
  // the extra run in a context where IndexedDB cannot be opened (memory-only)
  idbUnavailableMs: number;
}

// Rates high enough that a phase of a few seconds meets each fault many times; low enough that some tiles still
// arrive, so the engine has to tell the good from the bad rather than just wait.
const SERVER_FAULTS: Record<ServerFaultKind, Record<string, unknown>> = {
  '5xx': { status: { '500': 0.25, '503': 0.25 } },
  '429': { rateLimit: { rate: 0.6, retryAfterS: 1 } },
  hang: { hangRate: 0.3 },
  'slow-body': { slowBody: { rate: 0.5, bytesPerSecond: 8000 } },
  truncated: { truncateRate: 0.4 },
  html: { htmlRate: 0.4 },
  garbage: { garbageRate: 0.4 },
  oversize: { oversizeRate: 0.25 },
  mixed: {
    latencyMs: { median: 60, p99: 600 },
    status: { '500': 0.06, '503': 0.06 },
    rateLimit: { rate: 0.06, retryAfterS: 1 },
    hangRate: 0.04,
    slowBody: { rate: 0.05, bytesPerSecond: 8000 },
    truncateRate: 0.06,
    htmlRate: 0.06,
    garbageRate: 0.06,
    oversizeRate: 0.04,
  },
};

export const ALL_KINDS: PhaseKind[] = [
  ...(Object.keys(SERVER_FAULTS) as ServerFaultKind[]),
  'server-restart',
  'refused-port',
  'offline',
  'tiny-quota',
  'clear-site-data',
  'db-delete',
  'db-upgrade',
  'terminate-engine',
  'duplicate-tab',
];

// The short form (inside `npm test`, ≤ ~90 s) keeps one phase per family: every body fault at once, the server
// gone, the device offline, the worker killed, storage squeezed and yanked from another tab, a dead host in the
// style, two tabs at once.
const SHORT_KINDS: PhaseKind[] = ['mixed', 'server-restart', 'offline', 'terminate-engine', 'tiny-quota', 'db-delete', 'refused-port', 'duplicate-tab'];

const EXPECTED_NOTICE: Partial<Record<PhaseKind, Phase['expectNotice']>> = {
  'server-restart': 'network',
  'refused-port': 'network',
  offline: 'offline',
  'terminate-engine': 'engine',
  'db-upgrade': 'idb',
};

const RETRY_AFTER_VARIANTS = [
  { retryAfterS: 1, retryAfterForm: 'seconds' },
  { retryAfterS: 3600, retryAfterForm: 'seconds' },
  { retryAfterS: 120, retryAfterForm: 'http-date' },
  { retryAfterS: 1, retryAfterForm: 'none' },
] as const;

export function isServerFault(kind: PhaseKind): kind is ServerFaultKind {
  return kind in SERVER_FAULTS;
}

export function chaosPlan(seed: number, mode: ChaosMode): ChaosPlan {
  const random = seededRandom(seed);
  const kinds = shuffle(mode === 'short' ? SHORT_KINDS : ALL_KINDS, random);
  const phases = kinds.map((kind, i): Phase => {
    const durationMs = mode === 'short' ? 4000 : 6000 + Math.floor(random() * 4000);
    const phase: Phase = { kind, durationMs };
    if (isServerFault(kind)) phase.faults = { seed: seed * 100 + i, ...SERVER_FAULTS[kind] };
    // Real hosts say "wait" in three ways, and some say an hour: each seed meets one of them (the engine pauses a
    // host at most retry.capMs, paces one that names no delay, and must recover within the bound either way).
    if (kind === '429') phase.faults = { ...phase.faults, rateLimit: { rate: 0.6, ...RETRY_AFTER_VARIANTS[seed % RETRY_AFTER_VARIANTS.length] } };
    const notice = EXPECTED_NOTICE[kind];
    if (notice) phase.expectNotice = notice;
    return phase;
  });
  return { seed, mode, phases, idbUnavailableMs: mode === 'short' ? 4000 : 8000 };
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

// Places the journey flies between: land at every zoom, both hemispheres, the antimeridian and the US (counties).
export const PLACES: [number, number][] = [
  [2.35, 48.86],
  [-74.0, 40.7],
  [139.7, 35.7],
  [-43.2, -22.9],
  [28.0, -26.2],
  [77.2, 28.6],
  [151.2, -33.9],
  [-99.1, 19.4],
  [37.6, 55.8],
  [-122.4, 37.8],
  [179.5, -17.0],
  [-87.6, 41.9],
  [31.2, 30.0],
  [103.8, 1.35],
  [-58.4, -34.6],
  [12.5, 41.9],
];

export type JourneyStep =
  | { kind: 'pan'; dx: number; dy: number }
  | { kind: 'zoom'; delta: number }
  | { kind: 'fly'; place: [number, number]; zoom: number }
  | { kind: 'jump'; place: [number, number]; zoom: number }
  | { kind: 'reload' };

// The next move of the random journey. Reloads only when the runner allows them (not while offline: the app
// shell itself would not load).
export function nextStep(random: () => number, allowReload: boolean): { step: JourneyStep; pauseMs: number } {
  const r = random();
  const pauseMs = 300 + Math.floor(random() * 900);
  const place = PLACES[Math.floor(random() * PLACES.length)];
  const zoom = 2 + Math.floor(random() * 6);
  if (allowReload && r < 0.05) return { step: { kind: 'reload' }, pauseMs };
  if (r < 0.45) return { step: { kind: 'pan', dx: Math.round((random() - 0.5) * 700), dy: Math.round((random() - 0.5) * 500) }, pauseMs };
  if (r < 0.65) return { step: { kind: 'zoom', delta: random() < 0.5 ? -1 : 1 }, pauseMs };
  if (r < 0.85) return { step: { kind: 'fly', place, zoom }, pauseMs };
  return { step: { kind: 'jump', place, zoom }, pauseMs };
}
