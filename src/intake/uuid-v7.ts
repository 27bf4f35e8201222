import { randomUUID } from 'node:crypto';

/**
 * A UUID version 7 (RFC 9562): 48-bit Unix milliseconds, then random bits. Used for the metadata.uid siemstream
 * assigns: time-ordered uids land at the end of the de-duplication index instead of on random pages, which keeps
 * the append path's B-tree writes local. Built from a v4 UUID (Node's pooled CSPRNG) with its first 48 bits
 * replaced by the time and the version nibble set to 7; the variant bits of the v4 are already RFC 9562's.
 */
export function uuidV7(nowMs: number): string {
  const random = randomUUID();
  const time = Math.max(0, Math.floor(nowMs)).toString(16).padStart(12, '0').slice(-12);
  // random: xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx; keep from the 3 hex digits after the version nibble on.
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}
