// The countries that measure distance in miles and feet (and whose maps show them): the United States, Liberia and
// Myanmar. The UK signs roads in miles too, but its maps carry metric scales, as MapLibre's default does.
const IMPERIAL_REGIONS = new Set(['US', 'LR', 'MM']);

/**
 * The unit of the scale bar for a BCP 47 locale: imperial where the locale's region (explicit, or the likely one:
 * "en" → US, "my" → MM) measures in miles, metric elsewhere and for a tag that does not parse.
 */
export function scaleUnitFor(locale: string | undefined): 'imperial' | 'metric' {
  if (!locale) return 'metric';
  try {
    const region = new Intl.Locale(locale).maximize().region;
    return region && IMPERIAL_REGIONS.has(region) ? 'imperial' : 'metric';
  } catch {
    return 'metric';
  }
}
