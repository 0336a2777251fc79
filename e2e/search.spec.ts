import type { Page } from '@playwright/test';
import { lngLatToTile } from '../packages/kestrel/src/engine/tile-math.ts';
import { expect, openMap, resetServer, resetServerStats, serverStats, setFaults, test } from './fixtures.ts';

// Place search, keyboard only, in the built app against the shared tile server. Witnesses: the tile server's own
// arrival log (when each destination tile was asked for), MapLibre's census of the tiles in view when the camera
// lands, the engine's prefetch statistics, and the User Timing entries the search box writes for each query.

const SEARCH = '[data-testid="place-search"]';

function report(type: string, description: string): void {
  test.info().annotations.push({ type, description });
  console.log(`${type}: ${description}`);
}

const combobox = (page: Page) => page.locator(SEARCH);

async function typeAndWaitForResults(page: Page, text: string): Promise<void> {
  await page.keyboard.type(text);
  await expect(combobox(page)).toHaveAttribute('aria-expanded', 'true');
}

test.describe('place search', () => {
  test.afterEach(async () => {
    await resetServer();
  });

  test('is a combobox: "/" focuses it, arrows move through ranked options, Escape closes then clears', async ({ page, pageErrors }) => {
    await openMap(page, { hash: '3/40/-95' });
    await page.locator('body').press('/');
    await expect(combobox(page)).toBeFocused();
    await typeAndWaitForResults(page, 'Zurich');

    const listboxId = await combobox(page).getAttribute('aria-controls');
    const listbox = page.getByRole('listbox', { name: 'Search places' });
    expect(await listbox.getAttribute('id')).toBe(listboxId);
    const options = listbox.getByRole('option');
    // Zürich (341k) first, before the smaller Zurichs: diacritic-insensitive, ranked by population.
    await expect(options.first()).toContainText('Zürich');
    await expect(options.first()).toContainText('Switzerland');
    expect(await options.count()).toBeGreaterThan(1);

    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const second = await options.nth(1).getAttribute('id');
    await expect(combobox(page)).toHaveAttribute('aria-activedescendant', second!);
    await expect(options.nth(1)).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('ArrowUp');
    await expect(options.nth(0)).toHaveAttribute('aria-selected', 'true');

    await page.keyboard.press('Escape');
    await expect(combobox(page)).toHaveAttribute('aria-expanded', 'false');
    await expect(combobox(page)).toHaveValue('Zurich');
    await page.keyboard.press('Escape');
    await expect(combobox(page)).toHaveValue('');
    expect(pageErrors).toEqual([]);
  });

  test('Enter flies to the place; the destination tiles are asked for during the flight and none is missing on landing', async ({ page, pageErrors }) => {
    // 100 ms per tile, as the prefetch specs use: time for a late request to show.
    await setFaults({ latencyMs: { base: 100, jitter: 0 } });
    await openMap(page, { hash: '4/40/-95' });
    await page.evaluate(() => window.kestrel.resetStats());
    await resetServerStats();
    await combobox(page).focus();
    await typeAndWaitForResults(page, 'Zurich');

    // The camera's landing, seen by the page (moveend) with MapLibre's census of the tiles in view at that moment.
    const landed = page.evaluate(
      () =>
        new Promise<{ inView: { loading: number; errored: number; loaded: number } | undefined }>((resolve) => {
          window.kestrel.map.once('moveend', () => resolve({ inView: window.kestrel.tiles().inView }));
        }),
    );
    const flightStart = (await serverStats()).now;
    await page.keyboard.press('Enter');
    const atLanding = await landed;
    const flightEnd = (await serverStats()).now;
    await page.evaluate(() => window.kestrel.idle());

    const view = await page.evaluate(() => {
      const map = window.kestrel.map;
      const b = map.getBounds();
      return { west: b.getWest(), east: b.getEast(), north: b.getNorth(), south: b.getSouth(), zoom: Math.floor(map.getZoom()), center: map.getCenter() };
    });
    expect(view.center.lng).toBeCloseTo(8.55, 1);
    expect(view.center.lat).toBeCloseTo(47.37, 1);
    await expect(combobox(page)).toHaveValue('Zürich');

    // Destination tiles: those covering the final view at its zoom, by the server's first arrival of each.
    const nw = lngLatToTile(view.west, view.north, view.zoom);
    const se = lngLatToTile(view.east, view.south, view.zoom);
    const times = (await serverStats()).byTileTimes ?? {};
    const firstArrivals: number[] = [];
    const never: string[] = [];
    for (let x = Math.floor(nw.x); x <= Math.floor(se.x); x++) {
      for (let y = Math.floor(nw.y); y <= Math.floor(se.y); y++) {
        const key = `${view.zoom}/${x}/${y}`;
        const t = times[key];
        if (t?.length) firstArrivals.push(Math.min(...t));
        else never.push(key);
      }
    }
    expect(never, 'destination tiles never asked for').toEqual([]);
    const late = firstArrivals.filter((t) => t > flightEnd);
    expect(late, 'destination tiles first asked for after the camera landed').toEqual([]);
    const flightMs = flightEnd - flightStart;
    const leadMs = firstArrivals.map((t) => flightEnd - t).sort((a, b) => a - b);
    report('flyTo via search: destination tiles', `${firstArrivals.length} tiles, first asked ${leadMs[0]?.toFixed(0)}–${leadMs.at(-1)?.toFixed(0)} ms before landing (flight ${flightMs.toFixed(0)} ms)`);

    const holes = (atLanding.inView?.loading ?? 0) + (atLanding.inView?.errored ?? 0);
    report('flyTo via search: holes at landing', `${holes} (tiles in view loading or errored at moveend; ${atLanding.inView?.loaded} loaded)`);
    expect(holes, JSON.stringify(atLanding.inView)).toBe(0);

    const prefetch = (await page.evaluate(() => window.kestrel.stats()))?.prefetch;
    report('flyTo via search: prefetch', `hit ratio ${prefetch?.hitRatio?.toFixed(2)} (${prefetch?.used} used of ${prefetch?.issued} issued); bench flyTo figure before: 0.5`);
    expect(prefetch?.issued).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
  });

  test('answers each keystroke over the whole index: search latency p95 measured in the browser', async ({ page }) => {
    await openMap(page, { hash: '3/40/-95' });
    await combobox(page).focus();
    // The index loads on focus; the first results appear once it has.
    await typeAndWaitForResults(page, 'a');
    await page.evaluate(() => performance.clearMeasures('kestrel-place-search'));
    for (const query of ['Zurich', 'Sao Paulo', 'New York', 'Lodz', 'Москва', 'qqqqq', 'Springfield', 'los ang']) {
      await combobox(page).fill('');
      await combobox(page).pressSequentially(query);
    }
    const durations = await page.evaluate(() => performance.getEntriesByName('kestrel-place-search').map((e) => e.duration));
    const places = await page.evaluate(async () => (await (await fetch('/places.tsv')).text()).split('\n').length - 2);
    expect(durations.length).toBeGreaterThan(40);
    const sorted = [...durations].sort((a, b) => a - b);
    const p95 = sorted[Math.ceil(sorted.length * 0.95) - 1]!;
    report('search latency', `p95 ${p95.toFixed(2)} ms, max ${sorted.at(-1)!.toFixed(2)} ms over ${durations.length} queries, ${places} places`);
    expect(places).toBeGreaterThan(120_000);
  });

  test('"?" opens the keyboard shortcut list as a modal dialog; Escape closes it and focus returns', async ({ page }) => {
    await openMap(page, { hash: '3/40/-95' });
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(dialog).toBeHidden();
    await page.locator('body').press('?');
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText('Search places');
    // Typed into the search box, "?" is text.
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await combobox(page).focus();
    await page.keyboard.type('?');
    await expect(dialog).toBeHidden();
    await expect(combobox(page)).toHaveValue('?');
  });
});
