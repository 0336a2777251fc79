import { expect, openMap, test } from './fixtures.ts';

// Makes the README's pictures (docs/screenshot.png, docs/overlay.png) from the built app and the test tile server:
// `npm run screenshots`. Skipped in `npm test`: a picture is not a test, and the suite must not rewrite docs/.
test.describe('README screenshots', () => {
  test.skip(!process.env.KESTREL_SCREENSHOTS, 'set KESTREL_SCREENSHOTS=1 (npm run screenshots) to rewrite docs/*.png');
  test.use({ viewport: { width: 1200, height: 760 }, locale: 'en-GB' });

  test('labels with search in use', async ({ page }) => {
    await openMap(page, { hash: '5.2/47.6/10.5' });
    const search = page.getByTestId('place-search');
    await search.focus();
    await search.pressSequentially('Zur');
    await expect(search).toHaveAttribute('aria-expanded', 'true');
    await page.keyboard.press('ArrowDown');
    await page.evaluate(() => window.kestrel.idle());
    await page.screenshot({ path: 'docs/screenshot.png' });
  });

  test('the overlay after a short pan, labels behind it', async ({ page }) => {
    await openMap(page, { hash: '6/50.5/4', params: { perf: '1' } });
    await expect(page.getByTestId('overlay-root')).toBeVisible();
    await page.evaluate(() => {
      window.kestrel.map.panBy([300, 0], { duration: 1500 });
    });
    await page.waitForTimeout(1800);
    await page.evaluate(() => window.kestrel.idle());
    // two overlay refreshes after the pan settled
    await page.waitForTimeout(600);
    await page.screenshot({ path: 'docs/overlay.png' });
  });
});
