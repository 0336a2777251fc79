export interface BenchArgs {
  runs: number;
  warmup: number;
  scenarios?: string[];
  build: boolean;
  compare?: string;
  // 0.1 = 10 %
  tolerance: number;
  // compare only engine/off ratios (they survive machine drift; medians do not)
  ratiosOnly: boolean;
  out: string;
  list: boolean;
  // include the extra scenarios
  all: boolean;
  help: boolean;
  // a `vite build` output served instead of dist/ (never rebuilt)
  app?: string;
  // another build of the app, run side by side as the variant `engine-baseline`
  baseline?: string;
}

export const USAGE = `npm run bench -- [options]

  --runs N          measured runs per variant, alternating off/engine (default 5)
  --quick           2 runs per variant (same as --runs 2)
  --warmup N        discarded runs per scenario before measuring (default 1: warms the tile server's cache)
  --scenario a,b    only these scenarios (see --list)
  --all             every scenario, with the extras a default run leaves out
  --build           run \`vite build\` first (done anyway when dist/ is missing)
  --compare FILE    compare with an earlier results file; exit 1 on a regression
  --tolerance PCT   regression tolerance in percent (default 10)
  --ratios-only     compare only engine/off ratios (for a baseline from another machine or a loaded one)
  --out DIR         where results go (default bench/results)
  --app DIR         serve this \`vite build\` output instead of dist/ (not with --build)
  --baseline DIR    also run this other build of the app (engine on) as the variant engine-baseline, alternating
                    with the others; the report adds engine/engine-baseline ratios
  --list            list the scenarios and exit`;

export class BenchArgsError extends Error {
  override name = 'BenchArgsError';
}

function count(flag: string, value: string | undefined, min: number): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < min) throw new BenchArgsError(`${flag} needs an integer ≥ ${min}, got ${value ?? 'nothing'}`);
  return n;
}

export function parseBenchArgs(argv: string[]): BenchArgs {
  const args: BenchArgs = { runs: 5, warmup: 1, build: false, tolerance: 0.1, ratiosOnly: false, out: 'bench/results', list: false, all: false, help: false };
  let runsGiven = false;
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith('--') && argv[i].includes('=') ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--runs':
        args.runs = count(flag, value(), 1);
        runsGiven = true;
        break;
      case '--quick':
        quick = true;
        break;
      case '--warmup':
        args.warmup = count(flag, value(), 0);
        break;
      case '--scenario':
      case '--scenarios': {
        const v = value();
        if (!v) throw new BenchArgsError(`${flag} needs a comma-separated list`);
        args.scenarios = v.split(',').map((s) => s.trim()).filter(Boolean);
        break;
      }
      case '--build':
        args.build = true;
        break;
      case '--compare': {
        const v = value();
        if (!v) throw new BenchArgsError('--compare needs a results file');
        args.compare = v;
        break;
      }
      case '--tolerance': {
        const v = value();
        const pct = Number(v);
        if (v === undefined || !Number.isFinite(pct) || pct < 0) throw new BenchArgsError(`--tolerance needs a percentage ≥ 0, got ${v ?? 'nothing'}`);
        args.tolerance = pct / 100;
        break;
      }
      case '--ratios-only':
        args.ratiosOnly = true;
        break;
      case '--out': {
        const v = value();
        if (!v) throw new BenchArgsError('--out needs a directory');
        args.out = v;
        break;
      }
      case '--app':
      case '--baseline': {
        const v = value();
        if (!v || v.startsWith('--')) throw new BenchArgsError(`${flag} needs a directory holding a \`vite build\` output`);
        if (flag === '--app') args.app = v;
        else args.baseline = v;
        break;
      }
      case '--list':
        args.list = true;
        break;
      case '--all':
        args.all = true;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      default:
        throw new BenchArgsError(`unknown option ${argv[i]}`);
    }
  }
  if (quick && !runsGiven) args.runs = 2;
  if (args.app && args.build) throw new BenchArgsError('--build builds dist/, which --app replaces: give one of them');
  return args;
}
