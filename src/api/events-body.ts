/**
 * The publish body's limits and reader as api/events.ts imports them; they live in src/intake/events-body.ts.
 * Kept only until api/events.ts (and its test) import src/intake directly; then delete this file.
 */
export { EVENTS_BODY_LIMIT, MAX_EVENTS_PER_REQUEST, readEventsBody, type EventsBodyFormat } from '../intake/events-body.ts';
