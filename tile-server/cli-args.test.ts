import { describe, expect, test } from 'vitest';
import { CliArgsError, DEFAULT_PORT, parseCliArgs } from './cli-args.ts';

describe('parseCliArgs', () => {
  test('defaults to port 8787 on 127.0.0.1, data preloaded, no faults', () => {
    expect(parseCliArgs([])).toEqual({ port: DEFAULT_PORT, host: '127.0.0.1', preload: true, faults: {}, help: false });
  });

  test('reads server options, with --flag value and --flag=value forms', () => {
    const options = parseCliArgs(['--port', '0', '--host=0.0.0.0', '--cache-control', 'no-cache', '--cache-mb', '64', '--warm', '0-6', '--lazy']);
    expect(options).toMatchObject({ port: 0, host: '0.0.0.0', cacheControl: 'no-cache', cacheMaxBytes: 64 * 1024 * 1024, warm: { minZoom: 0, maxZoom: 6 }, preload: false });
  });

  test('reads --require-header as curl writes a header, the value keeping its own colons', () => {
    expect(parseCliArgs(['--require-header', 'X-Api-Key: secret-123']).requireHeader).toEqual({ name: 'x-api-key', value: 'secret-123' });
    expect(parseCliArgs(['--require-header=Authorization: Bearer a:b==']).requireHeader).toEqual({ name: 'authorization', value: 'Bearer a:b==' });
  });

  test('maps fault flags onto the fault document', () => {
    const { faults } = parseCliArgs([
      '--seed', '3',
      '--latency-base', '80', '--latency-jitter', '20',
      '--status-500', '0.05', '--status-503', '0.1',
      '--rate-limit', '0.05', '--retry-after', '2',
      '--hang-rate', '0.02', '--garbage-rate', '0.01', '--html-rate', '0.01', '--truncate-rate', '0.01',
      '--slow-body-rate', '0.01', '--slow-body-bps', '500', '--oversize-rate', '0.01',
      '--max-connections', '4', '--down',
    ]);
    expect(faults).toEqual({
      seed: 3,
      latencyMs: { base: 80, jitter: 20 },
      status: { '500': 0.05, '503': 0.1 },
      rateLimit: { rate: 0.05, retryAfterS: 2 },
      hangRate: 0.02,
      garbageRate: 0.01,
      htmlRate: 0.01,
      truncateRate: 0.01,
      slowBody: { rate: 0.01, bytesPerSecond: 500 },
      oversizeRate: 0.01,
      maxConnections: 4,
      down: true,
    });
  });

  test('reads a lognormal latency from --latency-median and --latency-p99', () => {
    expect(parseCliArgs(['--latency-median', '100', '--latency-p99', '400']).faults).toEqual({ latencyMs: { median: 100, p99: 400 } });
  });

  test('lets single flags override keys of a --faults document', () => {
    const { faults } = parseCliArgs(['--faults', '{"hangRate":0.5,"rateLimit":{"rate":0.1,"retryAfterS":5}}', '--hang-rate', '0.1', '--retry-after', '1']);
    expect(faults).toEqual({ hangRate: 0.1, rateLimit: { rate: 0.1, retryAfterS: 1 } });
  });

  test.each([
    [['--bogus'], /unknown option --bogus/],
    [['--port'], /--port needs a value/],
    [['--port', 'eighty'], /--port expects a number, got "eighty"/],
    [['--port', '70000'], /--port must be an integer/],
    [['--hang-rate', '2'], /"hangRate" must be a number in \[0, 1\]/],
    [['--faults', '{nope'], /--faults expects a JSON object/],
    [['--faults', '{"hangrate":1}'], /unknown key "hangrate"/],
    [['--warm', '6-0'], /must not exceed/],
    [['--retry-after', '2'], /--retry-after needs --rate-limit/],
    [['stray'], /unexpected argument "stray"/],
    [['--require-header', 'secret-123'], /--require-header expects '<name>: <value>'/],
    [['--require-header', 'X-Api-Key:'], /--require-header: requireHeader.value must be a non-empty string/],
  ])('rejects %j with a clear message', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(CliArgsError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });
});
