import { colourShares, waterColour } from './map-pixels.ts';
import { appPath, expect, openMap, test } from './fixtures.ts';

test.describe('the viewer', () => {
  test('renders the map with both land and water, not a blank canvas', async ({ page, pageErrors }) => {
    await openMap(page, { hash: '3/45/-30' });
    const water = await waterColour(page);
    const shares = await colourShares(page, [water]);
    // the Atlantic between Europe/Africa and the Americas: plenty of both
    expect(shares.colours[0].share, `water ${water}`).toBeGreaterThan(0.1);
    expect(shares.other, 'land (anything drawn that is not water)').toBeGreaterThan(0.1);
    expect(pageErrors).toEqual([]);
  });

  test('panning and zooming change the view and the URL hash', async ({ page }) => {
    await openMap(page, { hash: '4/40/-100' });
    const before = await page.evaluate(() => location.hash);
    const box = (await page.locator('#map canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 - 200, box.y + box.height / 2 + 50, { steps: 8 });
    await page.mouse.up();
    await expect.poll(() => page.evaluate(() => location.hash)).not.toBe(before);
    const afterPan = await page.evaluate(() => window.kestrel.map.getCenter().lng);
    expect(afterPan).toBeGreaterThan(-100);

    await page.getByRole('button', { name: 'Zoom in' }).click();
    await expect.poll(() => page.evaluate(() => Number(location.hash.slice(1).split('/')[0]))).toBeGreaterThan(4.9);
  });

  test('a reload at a hash restores the view', async ({ page }) => {
    await openMap(page, { hash: '5.5/48.85/2.35' });
    await page.reload();
    await page.waitForFunction(() => window.kestrel !== undefined);
    await page.evaluate(() => window.kestrel.ready);
    const view = await page.evaluate(() => ({ zoom: window.kestrel.map.getZoom(), ...window.kestrel.map.getCenter() }));
    expect(view.zoom).toBeCloseTo(5.5, 1);
    expect(view.lat).toBeCloseTo(48.85, 1);
    expect(view.lng).toBeCloseTo(2.35, 1);
  });

  test('a broken ?style= shows a clear message instead of a blank map', async ({ page }) => {
    await page.goto(appPath({ params: { style: 'http://127.0.0.1:9/nothing-here/style.json' } }));
    const notice = page.getByTestId('notice-style');
    await expect(notice).toBeVisible();
    await expect(notice).toContainText('Could not load the map style');
    await expect(notice).toContainText('127.0.0.1:9/nothing-here/style.json');
  });
});
