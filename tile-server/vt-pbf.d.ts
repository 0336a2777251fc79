// vt-pbf ships no types; this covers the one function we call.
declare module 'vt-pbf' {
  interface GeoJsonVtLayer {
    features: readonly unknown[];
  }
  interface VtPbf {
    fromGeojsonVt(layers: Record<string, GeoJsonVtLayer>, options?: { version?: number; extent?: number }): Uint8Array;
  }
  const vtpbf: VtPbf;
  export = vtpbf;
}
