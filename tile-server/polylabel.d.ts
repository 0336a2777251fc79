// polylabel 2 ships no types; this covers the one function we call.
declare module 'polylabel' {
  export default function polylabel(polygon: number[][][], precision?: number): number[] & { distance: number };
}
