import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export type Owner = 'kestrel' | 'maplibre' | 'react' | 'other' | 'unknown';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]));

interface Segment {
  column: number;
  source: number;
}

// A minimal source-map reader (VLQ "mappings", version 3): enough to tell which original file a position in the
// bundle came from. Long Animation Frame entries name the bundle and the character position of the function that
// ran; the build's source map says whether that function is Kestrel's, MapLibre's or React's.
export class BundleOwners {
  private readonly bundles = new Map<string, { lineStarts: number[]; lines: Segment[][]; sources: string[] } | null>();

  constructor(private readonly distDir: string) {}

  ownerOf(sourceURL: string, charPosition: number): Owner {
    if (!sourceURL || charPosition < 0) return 'unknown';
    const bundle = this.load(basename(new URL(sourceURL).pathname));
    if (!bundle) return 'unknown';
    let line = 0;
    while (line + 1 < bundle.lineStarts.length && bundle.lineStarts[line + 1] <= charPosition) line++;
    const column = charPosition - bundle.lineStarts[line];
    const segments = bundle.lines[line] ?? [];
    let found: Segment | undefined;
    for (const segment of segments) {
      if (segment.column > column) break;
      found = segment;
    }
    return found ? classify(bundle.sources[found.source] ?? '') : 'unknown';
  }

  private load(file: string) {
    if (this.bundles.has(file)) return this.bundles.get(file)!;
    const path = join(this.distDir, 'assets', file);
    let loaded = null;
    if (existsSync(path) && existsSync(`${path}.map`)) {
      const code = readFileSync(path, 'utf8');
      const map = JSON.parse(readFileSync(`${path}.map`, 'utf8')) as { sources: string[]; mappings: string };
      const lineStarts = [0];
      for (let i = 0; i < code.length; i++) if (code.charCodeAt(i) === 10) lineStarts.push(i + 1);
      loaded = { lineStarts, lines: decodeMappings(map.mappings), sources: map.sources };
    }
    this.bundles.set(file, loaded);
    return loaded;
  }
}

export function classify(source: string): Owner {
  if (/node_modules\/maplibre-gl\//.test(source)) return 'maplibre';
  if (/node_modules\/(react|react-dom|scheduler)\//.test(source)) return 'react';
  if (/(^|\/)(src|workers)\//.test(source) || /node_modules\/(comlink|idb)\//.test(source)) return 'kestrel';
  return 'other';
}

export function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let source = 0;
  for (const line of mappings.split(';')) {
    const segments: Segment[] = [];
    let column = 0;
    for (const text of line.split(',')) {
      if (!text) continue;
      const values = decodeVlq(text);
      column += values[0];
      if (values.length > 1) source += values[1];
      if (values.length > 1) segments.push({ column, source });
      // fields 3–5 (original line, column, name) are relative too, but only the source matters here
    }
    lines.push(segments);
  }
  return lines;
}

function decodeVlq(text: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = DIGIT.get(char);
    if (digit === undefined) break;
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    out.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return out;
}
