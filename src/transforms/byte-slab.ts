/**
 * Output buffers for rewritten events, cut from 64 KiB slabs. Allocating an ArrayBuffer per event costs more
 * than rewriting it (Buffer.allocUnsafe's 8 KiB pool is used up every few events, then allocates again); a slab
 * serves ~60 typical events. A slab lives as long as any event cut from it: events are delivered in batches cut
 * one after another, so a batch holds a few consecutive slabs, not one slab per event. Larger events get their
 * own buffer.
 */
const SLAB_BYTES = 64 * 1024;
const OWN_BUFFER_FROM = 8 * 1024;

let slab = new ArrayBuffer(SLAB_BYTES);
let used = 0;

export function allocateBytes(length: number): Buffer {
  if (length >= OWN_BUFFER_FROM) return Buffer.allocUnsafeSlow(length);
  if (used + length > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    used = 0;
  }
  const out = Buffer.from(slab, used, length);
  // 8-byte alignment, as Buffer's own pool keeps.
  used += (length + 7) & ~7;
  return out;
}
