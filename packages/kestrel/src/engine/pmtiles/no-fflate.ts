// Stands in for `fflate` in the engine worker's bundle (packages/kestrel/scripts/build.mjs). The `pmtiles` package
// falls back to fflate's inflate only where DecompressionStream is missing; every browser Kestrel supports has it
// (and the engine decompresses tiles with it itself), so the fallback would be ~5 KB of gzip never run.
export function decompressSync(): never {
  throw new Error('gzip decompression needs DecompressionStream, which this browser lacks');
}
