/**
 * How often pages refresh their figures: chosen in the header, kept for this tab (sessionStorage), paused on
 * request. Every polling page follows the one setting.
 */
import { useEffect, useState } from 'preact/hooks';

const KEY = 'siemstream.console.refresh-ms';
export const DEFAULT_REFRESH_MS = 5000;

export const REFRESH_CHOICES: readonly [number, string][] = [
  [1000, 'every second'],
  [5000, 'every 5 s'],
  [15_000, 'every 15 s'],
  [60_000, 'every minute'],
  [0, 'paused'],
];

function stored(): number {
  try {
    const raw = sessionStorage.getItem(KEY);
    const v = Number(raw);
    return raw !== null && REFRESH_CHOICES.some(([ms]) => ms === v) ? v : DEFAULT_REFRESH_MS;
  } catch {
    return DEFAULT_REFRESH_MS;
  }
}

let current = stored();
const listeners = new Set<() => void>();

export function setRefreshMs(ms: number): void {
  current = ms;
  try {
    sessionStorage.setItem(KEY, String(ms));
  } catch {
    // Storage refused (private mode quota): the choice holds until the tab reloads.
  }
  for (const l of listeners) l();
}

export function useRefreshMs(): number {
  const [value, setValue] = useState(current);
  useEffect(() => {
    const l = () => setValue(current);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
  return value;
}
