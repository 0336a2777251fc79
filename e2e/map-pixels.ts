import type { Page } from '@playwright/test';

export interface ColourShare {
  colour: string;
  share: number;
}

export interface CanvasShares {
  // share of pixels close to each asked colour, in order
  colours: ColourShare[];
  // share of pixels close to none of them and not near-black (an unrendered WebGL canvas reads black)
  other: number;
}

// Reads the canvas inside MapLibre's own render callback (the drawing buffer is only valid there, since
// the app does not pay for preserveDrawingBuffer) and returns the share of pixels close to each colour.
export async function colourShares(page: Page, colours: string[], tolerance = 12): Promise<CanvasShares> {
  return page.evaluate(
    ({ colours, tolerance }) =>
      new Promise<CanvasShares>((resolve) => {
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
          let other = 0;
          for (let i = 0; i < px.length; i += 4) {
            const hit = targets.findIndex(
              ([r, g, b]) => Math.abs(px[i] - r) <= tolerance && Math.abs(px[i + 1] - g) <= tolerance && Math.abs(px[i + 2] - b) <= tolerance,
            );
            if (hit >= 0) counts[hit]++;
            else if (px[i] + px[i + 1] + px[i + 2] > 60) other++;
          }
          resolve({ colours: colours.map((colour, t) => ({ colour, share: counts[t] / (w * h) })), other: other / (w * h) });
        });
        map.triggerRepaint();
      }),
    { colours, tolerance },
  );
}

// The style's water colour (its background) as a CSS string.
export async function waterColour(page: Page): Promise<string> {
  return page.evaluate(() => {
    const background = window.kestrel.map.getStyle().layers.find((l) => l.type === 'background') as { paint?: Record<string, unknown> } | undefined;
    return String(background?.paint?.['background-color']);
  });
}
