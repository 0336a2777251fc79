import { useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { Place, PlaceIndex } from './place-index.ts';
import { searchPlaces } from './search-places.ts';
import './place-search.css';

/** What the box needs from the page: the index (loaded on first focus) and what choosing a place does. */
export interface PlaceSearchSource {
  load(): Promise<PlaceIndex>;
  choose(place: Place): void;
}

export interface PlaceSearchBoxProps {
  source: PlaceSearchSource;
  /** BCP 47 locale for populations and country names; the browser's by default. */
  locale?: string;
}

// Each query is timed with the User Timing API, so the e2e suite reads search latency as the browser measured it.
export const SEARCH_MEASURE = 'kestrel-place-search';

function timedSearch(index: PlaceIndex, query: string): Place[] {
  const started = performance.now();
  const results = searchPlaces(index, query);
  performance.measure(SEARCH_MEASURE, { start: started, end: performance.now(), detail: { query, results: results.length } });
  return results;
}

function regionNames(locale: string | undefined): Intl.DisplayNames | undefined {
  try {
    return new Intl.DisplayNames(locale ? [locale] : undefined, { type: 'region' });
  } catch {
    return undefined;
  }
}

/**
 * A search box over countries and places, as the WAI-ARIA 1.2 combobox pattern with a listbox popup: typing lists
 * matches, ArrowDown/ArrowUp move through them (the input keeps focus; `aria-activedescendant` names the option),
 * Enter chooses the highlighted one (or the first), Escape closes the list and, when closed, clears the box.
 */
export function PlaceSearchBox({ source, locale }: PlaceSearchBoxProps) {
  const [query, setQuery] = useState('');
  const [index, setIndex] = useState<PlaceIndex>();
  const [loadError, setLoadError] = useState(false);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const loading = useRef(false);
  const listId = useId();
  const labelId = useId();
  const numbers = useMemo(() => new Intl.NumberFormat(locale), [locale]);
  const regions = useMemo(() => regionNames(locale), [locale]);
  const results = useMemo(() => (index ? timedSearch(index, query) : []), [index, query]);
  const expanded = open && results.length > 0;

  const ensureIndex = () => {
    if (index || loading.current) return;
    loading.current = true;
    setLoadError(false);
    source.load().then(
      (loaded) => setIndex(loaded),
      () => {
        loading.current = false;
        setLoadError(true);
      },
    );
  };

  const choose = (place: Place) => {
    setQuery(place.name);
    setOpen(false);
    setActive(-1);
    source.choose(place);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (results.length === 0) return;
      setOpen(true);
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (i < 0 ? (step > 0 ? 0 : results.length - 1) : (i + step + results.length) % results.length));
    } else if (e.key === 'Enter') {
      const place = results[active] ?? (open ? results[0] : undefined);
      if (place) {
        e.preventDefault();
        choose(place);
      }
    } else if (e.key === 'Escape') {
      // Handled here: the page-wide Escape (dialogs) must not also act on it.
      e.stopPropagation();
      if (expanded) {
        // A search input clears itself on Escape; the first Escape only closes the list.
        e.preventDefault();
        setOpen(false);
      } else setQuery('');
      setActive(-1);
    }
  };

  const describe = (place: Place) => {
    if (place.kind === 'country') return 'Country';
    const country = place.country ? (regions?.of(place.country) ?? place.country) : '';
    return [country, place.population > 0 ? numbers.format(place.population) : ''].filter(Boolean).join(' · ');
  };

  return (
    <div className="kps">
      <label id={labelId} className="kps-label" htmlFor={`${listId}-input`}>
        Search places
      </label>
      <input
        id={`${listId}-input`}
        className="kps-input"
        type="search"
        role="combobox"
        placeholder="Search places"
        autoComplete="off"
        spellCheck={false}
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={expanded && active >= 0 ? `${listId}-${active}` : undefined}
        value={query}
        onFocus={ensureIndex}
        onChange={(e) => {
          ensureIndex();
          setQuery(e.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
        data-testid="place-search"
      />
      <div id={listId} role="listbox" aria-labelledby={labelId} className="kps-list" hidden={!expanded}>
        {expanded &&
          results.map((place, i) => (
            // biome-ignore lint/a11y/useKeyWithClickEvents: the keys act on the combobox input (aria-activedescendant), as the WAI-ARIA pattern has it; the option itself never takes focus
            <div
              key={`${place.kind}-${place.name}-${place.lngLat.join(',')}`}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              tabIndex={-1}
              className="kps-option"
              // Keeps focus in the input, so the list does not close (blur) before the click lands.
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => choose(place)}
            >
              <span className="kps-name">{place.name}</span>
              <span className="kps-detail">{describe(place)}</span>
            </div>
          ))}
      </div>
      <div className="kps-status" role="status" aria-live="polite">
        {loadError ? 'Place search is unavailable offline until the app has been opened online once.' : open && query.trim() && index ? `${numbers.format(results.length)} results` : ''}
      </div>
    </div>
  );
}
