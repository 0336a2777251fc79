import type { FailureReason, ResourceKind } from '../contract/engine-api.ts';
import { abortable } from './abortable.ts';
import type { BreakerOutcome } from './circuit-breaker.ts';
import type { AppRequestInit, ByteRange, Clock, Fetcher, FetcherInit } from './ports.ts';
import { checkRangeAnswer } from './range-answer.ts';
import { classifyStatus, parseRetryAfter } from './retry-policy.ts';
import { validateTile } from './validate-tile.ts';

export interface NetworkAttemptInput {
  fetcher: Fetcher;
  clock: Clock;
  url: string;
  kind: ResourceKind;
  // conditional request headers; a 304 is only an answer when they were sent
  conditionalHeaders?: Record<string, string>;
  // the app's headers and credentials mode, passed through to the fetcher untouched
  app?: AppRequestInit;
  // bypass HTTP caches (the previous attempt's body was refused)
  fresh?: boolean;
  // aborts when the request is cancelled
  signal: AbortSignal;
  timeoutMs: number;
  // timeoutMs was cut short by the overall deadline, so running out of it means 'deadline', not 'timeout'
  deadlineBound: boolean;
  maxTileBytes: number;
  // a byte range of the URL (a PMTiles archive): only a 206 for exactly that range is an answer
  range?: ByteRange;
  // timeoutMs is the adaptive (tail) timeout, not the fixed one: running out of it is a hang on a host that is
  // otherwise answering, not a sign of overload (see tail-timeout.ts)
  tail?: boolean;
  // called once when the request is handed to the fetcher, and again for each extra request the fetcher makes for
  // it (its CORS probe), so the engine counts what the host will count
  onSent?: () => void;
}

export interface HttpAnswer {
  kind: 'answer';
  outcome: 'ok' | 'no-tile' | 'not-modified';
  status: number;
  headers: Record<string, string>;
  bytes: Uint8Array | null;
  latencyMs: number;
  // for a byte range: the resource's whole size, when the host said (Content-Range)
  totalBytes?: number;
}

export interface HttpFailure {
  kind: 'failure';
  reason: FailureReason;
  message: string;
  status?: number;
  retryable: boolean;
  retryAfterMs?: number;
  latencyMs: number;
  // what this says about the host's health (see circuit-breaker)
  hostVerdict: BreakerOutcome;
  // an explicit "slow down" (429, 503, timeout) for the concurrency controller
  overload: boolean;
}

export type NetworkAttemptResult = HttpAnswer | HttpFailure | { kind: 'aborted' };

// One HTTP attempt: fetch with a per-attempt timeout, read and validate the body, and classify the outcome.
// Never throws; makes no retry decision.
export async function networkAttempt(input: NetworkAttemptInput): Promise<NetworkAttemptResult> {
  if (input.signal.aborted) return { kind: 'aborted' };
  const { clock } = input;
  const started = clock.now();
  const controller = new AbortController();
  const timedOut = new Error(`no answer within ${Math.round(input.timeoutMs)} ms${input.tail ? " (the host's tail timeout)" : ''}`);
  const onCancel = () => controller.abort(input.signal.reason);
  input.signal.addEventListener('abort', onCancel, { once: true });
  const timer = clock.setTimeout(() => controller.abort(timedOut), input.timeoutMs);
  const elapsed = () => clock.now() - started;
  try {
    let pending: Promise<Response>;
    try {
      input.onSent?.();
      pending = input.fetcher(input.url, fetcherInit(input, controller.signal));
    } catch (error) {
      pending = Promise.reject(error);
    }
    const response = await abortable(pending, controller.signal);
    return await interpret(response, input, controller.signal, elapsed);
  } catch (error) {
    if (controller.signal.aborted && controller.signal.reason === timedOut) {
      const reason = input.deadlineBound ? 'deadline' : 'timeout';
      // A tail cut is a guess that one request hung, on a host that is answering others: not a reason to shrink
      // the window (AIMD) nor a failure for the breaker. Under load a host's cold tiles can all run past 4 × the
      // p95 of its warm ones, and five wrong guesses in a row would open the breaker and fail every ask to it.
      if (input.tail) return failure(reason, timedOut.message, !input.deadlineBound, elapsed(), 'neutral', false);
      return failure(reason, timedOut.message, !input.deadlineBound, elapsed(), 'failure', true);
    }
    if (controller.signal.aborted) return { kind: 'aborted' };
    // The fetcher names a CORS refusal (see Fetcher in ports.ts): the server is up and will refuse every time.
    const name = (error as { name?: unknown } | null)?.name;
    if (name === 'CorsError') return failure('cors', (error as Error).message, false, elapsed(), 'neutral', false);
    // An error answer (429, 404, 5xx page) from a host whose CORS headers cover only its successes: the host is up
    // and said something we may not read. Transient as far as we can tell, and a possible "slow down".
    if (name === 'CorsErrorAnswer') return failure('unreadable-error', (error as Error).message, true, elapsed(), 'neutral', true);
    return failure('network', String(error), true, elapsed(), 'failure', false);
  } finally {
    clock.clearTimeout(timer);
    input.signal.removeEventListener('abort', onCancel);
  }
}

async function interpret(
  response: Response,
  input: NetworkAttemptInput,
  signal: AbortSignal,
  elapsed: () => number,
): Promise<NetworkAttemptResult> {
  const headers = headersOf(response.headers);
  const status = response.status;
  // Opaque says nothing about the host (the browser hid the answer), so it neither trips nor heals the breaker.
  if (response.type === 'opaque') return failure('opaque', 'opaque response (no-cors)', false, elapsed(), 'neutral', false);
  if (input.range) return interpretRange(response, input.range, input, signal, headers, elapsed);
  const cls = classifyStatus(status);
  // A 200 to a conditional request that carries the validator we sent is the same representation: the host
  // ignored the condition (or the fetcher had to drop it, see workers/fetch-adapter.ts). Treat it as a 304.
  if (cls.kind === 'ok' && input.conditionalHeaders && sameValidator(input.conditionalHeaders, headers)) {
    discard(response);
    return answer('not-modified', status, headers, null, elapsed());
  }
  if (cls.kind === 'ok') {
    const checked = await validateTile(response, { kind: input.kind, maxTileBytes: input.maxTileBytes, signal });
    if (checked.ok) return answer('ok', status, headers, checked.bytes, elapsed());
    // A cut-off body is a transport failure worth another try; any other bad body would come back the same.
    const truncated = checked.reason === 'truncated';
    return failure(checked.reason, checked.message, truncated, elapsed(), truncated ? 'failure' : 'success', false, status);
  }
  return interpretStatus(response, input, headers, elapsed);
}

// Every answer that carries no body we want: no tile (204/404), not modified, or an error to classify.
function interpretStatus(response: Response, input: NetworkAttemptInput, headers: Record<string, string>, elapsed: () => number): NetworkAttemptResult {
  const status = response.status;
  const cls = classifyStatus(status);
  discard(response);
  if (cls.kind === 'no-tile') return answer('no-tile', status, headers, null, elapsed());
  if (cls.kind === 'not-modified') {
    if (input.conditionalHeaders) return answer('not-modified', status, headers, null, elapsed());
    return failure('http-4xx', 'unexpected 304 to an unconditional request', false, elapsed(), 'success', false, status);
  }
  // a 2xx with no usable body here: a range answered with neither 206 nor the whole file
  if (cls.kind === 'ok') return failure('http-4xx', `unexpected HTTP ${status}`, false, elapsed(), 'success', false, status);
  const overload = status === 429 || status === 503;
  const result = failure(
    cls.reason,
    `HTTP ${status}`,
    cls.retryable,
    elapsed(),
    cls.reason === 'http-5xx' ? 'failure' : 'success',
    overload,
    status,
  );
  if (overload) {
    // The server's Date is the right reference for an HTTP-date (no clock skew); our wall clock otherwise.
    const serverNow = headers.date ? Date.parse(headers.date) : Number.NaN;
    const now = Number.isNaN(serverNow) ? (input.clock.wallTime?.() ?? input.clock.now()) : serverNow;
    const retryAfterMs = parseRetryAfter(headers['retry-after'], now);
    if (retryAfterMs !== undefined) result.retryAfterMs = retryAfterMs;
  }
  return result;
}

// A byte range is answered by a 206 for that range and nothing else. A 200 is the whole resource: a host that
// ignores Range would send a whole archive for every tile, so it is refused before its body is read. A 416 says
// the range lies past the end. Error statuses go through the ordinary classification (retry, breaker, 429s).
async function interpretRange(
  response: Response,
  range: ByteRange,
  input: NetworkAttemptInput,
  signal: AbortSignal,
  headers: Record<string, string>,
  elapsed: () => number,
): Promise<NetworkAttemptResult> {
  const status = response.status;
  if (status === 200 || status === 416) {
    discard(response);
    if (status === 200) return failure('range-ignored', `${hostOf(input.url)} answered a byte-range request with the whole file (HTTP 200): it does not serve byte ranges`, false, elapsed(), 'success', false, status);
    return failure('range-refused', `HTTP 416: bytes ${range.offset}–${range.offset + range.length - 1} lie past the end of the file (a truncated upload?)`, false, elapsed(), 'success', false, status);
  }
  if (status !== 206) return interpretStatus(response, input, headers, elapsed);
  // a range is read in full, whatever it holds; it is never longer than asked (the archive decides the length)
  const read = await validateTile(response, { kind: 'resource', maxTileBytes: range.length, signal, raw: true });
  if (!read.ok) return failure(read.reason, read.message, read.reason === 'truncated', elapsed(), read.reason === 'truncated' ? 'failure' : 'success', false, status);
  const checked = checkRangeAnswer(range, headers['content-range'], read.bytes.byteLength);
  if (!checked.ok) return failure('archive-invalid', checked.message, false, elapsed(), 'success', false, status);
  const result = answer('ok', status, headers, read.bytes, elapsed());
  if (checked.totalBytes !== undefined) result.totalBytes = checked.totalBytes;
  return result;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the host';
  }
}

// Only the fields that are set, so a fetcher (and a test reading what it was given) sees no undefined keys.
function fetcherInit(input: NetworkAttemptInput, signal: AbortSignal): FetcherInit {
  const init: FetcherInit = { signal };
  if (input.conditionalHeaders) init.conditionalHeaders = input.conditionalHeaders;
  if (input.app?.appHeaders) init.appHeaders = input.app.appHeaders;
  if (input.app?.credentials) init.credentials = input.app.credentials;
  if (input.fresh) init.fresh = true;
  if (input.range) init.range = input.range;
  if (input.onSent) init.onProbe = input.onSent;
  return init;
}

function answer(
  outcome: HttpAnswer['outcome'],
  status: number,
  headers: Record<string, string>,
  bytes: Uint8Array | null,
  latencyMs: number,
): HttpAnswer {
  return { kind: 'answer', outcome, status, headers, bytes, latencyMs };
}

function failure(
  reason: FailureReason,
  message: string,
  retryable: boolean,
  latencyMs: number,
  hostVerdict: BreakerOutcome,
  overload: boolean,
  status?: number,
): HttpFailure {
  const result: HttpFailure = { kind: 'failure', reason, message, retryable, latencyMs, hostVerdict, overload };
  if (status !== undefined) result.status = status;
  return result;
}

function sameValidator(sent: Record<string, string>, got: Record<string, string>): boolean {
  const lower = Object.fromEntries(Object.entries(sent).map(([k, v]) => [k.toLowerCase(), v]));
  // weak comparison (RFC 9110 §8.8.3.2): nginx with gzip sends W/"x" on a 200 and "x" on the 304 that refreshes it
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  if (lower['if-none-match'] !== undefined && got.etag !== undefined) return opaque(lower['if-none-match']) === opaque(got.etag);
  if (lower['if-modified-since'] !== undefined && got['last-modified'] !== undefined) return lower['if-modified-since'] === got['last-modified'];
  return false;
}

function headersOf(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => (out[name.toLowerCase()] = value));
  return out;
}

// Frees the connection without reading a body nobody needs.
function discard(response: Response): void {
  void response.body?.cancel().catch(() => undefined);
}
