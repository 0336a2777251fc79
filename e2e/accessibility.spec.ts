import AxeBuilder from '@axe-core/playwright';
import { expect, openMap, resetServer, test } from './fixtures.ts';

// axe-core's rules run against the page as a user has it open: the map, the performance overlay (?perf=1), the
// offline panel and the search list all open at once. Only serious and critical findings fail the test; the rest
// are listed in the report, so they stay visible.
test.describe('accessibility', () => {
  test.afterEach(async () => {
    await resetServer();
  });

  test('axe finds no serious or critical violation with the overlay, the offline panel and search open', async ({ page }) => {
    await openMap(page, { hash: '5/47/8', params: { perf: '1' } });
    await expect(page.getByTestId('overlay-root')).toBeVisible();
    await page.getByTestId('offline-open-button').click();
    await expect(page.getByTestId('offline-panel')).toBeVisible();
    const search = page.getByTestId('place-search');
    await search.focus();
    await search.pressSequentially('Zur');
    await expect(search).toHaveAttribute('aria-expanded', 'true');
    await page.keyboard.press('ArrowDown');

    const results = await new AxeBuilder({ page }).analyze();
    const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    const summary = (list: typeof results.violations) =>
      list.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
    const minor = results.violations.filter((v) => !blocking.includes(v));
    test.info().annotations.push({ type: 'axe', description: `${results.passes.length} rules passed; minor/moderate: ${summary(minor).join(' | ') || 'none'}` });
    console.log(`axe: ${results.passes.length} rules passed, ${blocking.length} serious/critical; minor/moderate: ${summary(minor).join(" | ") || "none"}`);
    expect(summary(blocking)).toEqual([]);
  });
});
