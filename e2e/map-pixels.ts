import type { Page } from '@playwright/test';

export interface ColourShare {
  colour: string;
  share: number;
}

// Reads the canvas inside MapLibre's own render callback (the drawing buffer is only valid there, since
// the app does not pay for preserveDrawingBuffer) and returns the share of pixels close to each colour.
export async function colourShares(page: Page, colours: string[], tolerance = 12): Promise<ColourShare[]> {
  return page.evaluate(
    ({ colours, tolerance }) =>
      new Promise<ColourShare[]>((resolve) => {
        const toRgb = (css: string) => {
          const ctx = document.createElement('canvas').getContext('2d')!;
          ctx.fillStyle = css;
          ctx.fillRect(0, 0, 1, 1);
          return Array.from(ctx.getImageData(0, 0, 1, 1).data.slice(0, 3));
        };
        const targets = colours.map(toRgb);
        const map = window.kestrel.map;
        map.once('render', () => {
          const gl = map.getCanvas().getContext('webgl2') as WebGL2RenderingContext;
          const w = gl.drawingBufferWidth;
          const h = gl.drawingBufferHeight;
          const px = new Uint8Array(w * h * 4);
          gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, px);
          const counts = targets.map(() => 0);
          for (let i = 0; i < px.length; i += 4) {
            targets.forEach(([r, g, b], t) => {
              if (Math.abs(px[i] - r) <= tolerance && Math.abs(px[i + 1] - g) <= tolerance && Math.abs(px[i + 2] - b) <= tolerance) counts[t]++;
            });
          }
          resolve(colours.map((colour, t) => ({ colour, share: counts[t] / (w * h) })));
        });
        map.triggerRepaint();
      }),
    { colours, tolerance },
  );
}

// The style's water (background) and land colours as CSS strings.
export async function waterAndLand(page: Page): Promise<{ water: string; land: string }> {
  return page.evaluate(() => {
    const layers = window.kestrel.map.getStyle().layers;
    const background = layers.find((l) => l.type === 'background') as { paint?: Record<string, unknown> } | undefined;
    const land = layers.find((l) => l.id === 'land') as { paint?: Record<string, unknown> } | undefined;
    return { water: String(background?.paint?.['background-color']), land: String(land?.paint?.['fill-color']) };
  });
}
