import type { Feature } from 'geojson';
import { loadCities, loadCountryLabels, type City } from './data-sources.ts';

/** First line of the place index: names the format, so a reader can refuse one it does not know. */
export const PLACE_INDEX_HEADER = '#kestrel-places v1\tkind\tname\tcountry\tpopulation\tlon\tlat\tzoom';

// A country's zoom by its area rank (label-points.ts): Russia at z3 … Luxembourg at z8.
const COUNTRY_ZOOM = [3, 4, 5, 6, 7, 8];

// ~1 km: a few pixels at the zoom a search flies to, and 6 bytes a line fewer than full precision (the file is
// precached whole, under Workbox's 5 MiB per-file limit).
const round2 = (n: number) => Math.round(n * 100) / 100;

// Tabs and newlines delimit the format; GeoNames names carry none, but a stray one must not shift a row.
const clean = (s: string) => s.normalize('NFC').replace(/[\t\r\n]+/g, ' ').trim();

/**
 * The search index the viewer loads: one line per country (kind `c`, with the zoom that shows it) and per GeoNames
 * place (kind `p`, with its ISO country code and population; no zoom column), tab-separated, names in NFC, countries first, then places by
 * population, largest first — the order search results are ranked in, so the client needs no sort.
 */
export function buildPlaceIndex(cities: readonly City[] = loadCities(), countries: readonly Feature[] = loadCountryLabels()): string {
  const lines = [PLACE_INDEX_HEADER];
  const byRank = [...countries].sort((a, b) => Number(a.properties?.rank) - Number(b.properties?.rank));
  for (const c of byRank) {
    const [lon, lat] = (c.geometry as { coordinates: number[] }).coordinates;
    const rank = Number(c.properties?.rank);
    lines.push(['c', clean(String(c.properties?.name)), '', '', round2(lon!), round2(lat!), COUNTRY_ZOOM[rank - 1] ?? 6].join('\t'));
  }
  // Sections of a place (GeoNames PPLX: "Zürich (Kreis 11)", "Sector 3") would crowd the place itself out of a short list.
  const places = cities.filter((c) => c.name && c.featureCode !== 'PPLX' && Math.abs(c.lat) <= 85.05).sort((a, b) => b.population - a.population);
  // Places carry no zoom column: the viewer picks one from the population.
  for (const p of places) lines.push(['p', clean(p.name), p.country, p.population, round2(p.lon), round2(p.lat)].join('\t'));
  return `${lines.join('\n')}\n`;
}
