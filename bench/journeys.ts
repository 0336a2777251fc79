// The camera journeys live in kestrel-maps/playwright (the fixture's `map.journey`), so the benchmark and any
// Playwright suite play the same moves; the benchmark imports them from there by path.
export { JOURNEYS, playJourney, type Journey, type JourneyName, type JourneyStep } from '../packages/kestrel/src/playwright/journeys.ts';
