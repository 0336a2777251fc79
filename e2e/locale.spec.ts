import { expect, openMap, test } from './fixtures.ts';

// The viewer in two locales, as the browser reports them (navigator.language): numbers in the UI and the scale bar's
// units follow it. The witnesses are what the page shows.

test.describe('in German (de-DE)', () => {
  test.use({ locale: 'de-DE' });

  test('the scale bar is metric, and search and the offline panel write numbers the German way', async ({ page }) => {
    await openMap(page, { hash: '5/47/8' });
    await expect(page.locator('.maplibregl-ctrl-scale')).toHaveText(/^\d+\s(k?m)$/);

    const search = page.getByTestId('place-search');
    await search.focus();
    await search.pressSequentially('Zurich');
    // Zürich, 341,730 people: "Schweiz · 341.730" (country names from Intl.DisplayNames, grouping with dots).
    await expect(page.getByRole('option').first()).toContainText('Schweiz · 341.730');
    await page.keyboard.press('Escape');

    await page.getByTestId('offline-open-button').click();
    const estimate = page.getByTestId('offline-estimate');
    await expect(estimate).toHaveAttribute('data-state', 'ready');
    // "1.234 tiles · about 12,3 MB · 123.456 km²": grouping dots, decimal comma.
    await expect(estimate).toHaveText(/^\d{1,3}(\.\d{3})* tiles · about \d+(,\d)? [kMG]?B · [\d.]+ km²$/);
    await expect(estimate).toContainText('.');
  });
});

test.describe('in US English (en-US)', () => {
  test.use({ locale: 'en-US' });

  test('the scale bar is in miles or feet, and numbers group with commas', async ({ page }) => {
    await openMap(page, { hash: '5/47/8' });
    await expect(page.locator('.maplibregl-ctrl-scale')).toHaveText(/^\d+\s(mi|ft)$/);
    const search = page.getByTestId('place-search');
    await search.focus();
    await search.pressSequentially('Zurich');
    await expect(page.getByRole('option').first()).toContainText('Switzerland · 341,730');
  });
});
