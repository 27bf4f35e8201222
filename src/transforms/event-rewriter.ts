/**
 * Applies a TransformPlan to one event's JSON bytes in a single pass, without parsing the event: values the plan
 * does not name are skipped byte by byte; the output is the input with a few edits (a value replaced, a member
 * and its separator removed), copied in one go at the end. An event the plan leaves unchanged is returned as the
 * same array.
 *
 * Free text (top-level raw_data, message, status_detail, and the strings under unmapped) is remembered while
 * walking and scrubbed at the end, once every removed or rewritten value is known (raw_data often comes before
 * the fields it quotes). See free-text-scrub.ts.
 *
 * Recursion follows the plan's tree only (at most one level per path segment); everything below it — skipping,
 * rewriting a whole subtree, scanning free text — is iterative, so no nesting depth can overflow.
 */
import { allocateBytes } from './byte-slab.ts';
import { ScrubSet } from './free-text-scrub.ts';
import {
  BACKSLASH,
  bytesEqual,
  COLON,
  COMMA,
  decodeJsonString,
  isWhitespace,
  LBRACE,
  LBRACKET,
  MalformedJsonError,
  QUOTE,
  RBRACE,
  RBRACKET,
  skipScalar,
  skipString,
  skipValue,
  skipWhitespace,
  utf8Text,
} from './json-bytes.ts';
import { NO_OPS, type PlanMember, type PlanNode, type RewriteOp, type TransformPlan, type ValueOps } from './transform-plan.ts';

/** Rewrites one scalar: the op and the decoded value in, the replacement string out. */
export type ScalarRewrite = (op: RewriteOp, value: string | number | boolean) => string;

interface CachedRewrite {
  json: Uint8Array;
  text: string;
}
const CHAIN_CACHE_LIMIT = 4096;
const EMPTY = new Uint8Array(0);

/** Subtree scan modes (scan()). */
const REWRITE = 1;
const FREE_TEXT = 2;
const COLLECT = 3;

export class EventRewriter {
  // Per-event state, reset by rewrite(): an instance serves one stream on one thread, one event at a time.
  private src: Uint8Array = EMPTY;
  /** Edits in source order, never overlapping: bytes [start, end) become `bytes` (EMPTY: removed). */
  private readonly editStarts: number[] = [];
  private readonly editEnds: number[] = [];
  private readonly editBytes: Uint8Array[] = [];
  /** Free-text string tokens [start, end), in source order. */
  private readonly freeStarts: number[] = [];
  private readonly freeEnds: number[] = [];
  private readonly scrub: ScrubSet;
  /** Per rewrite chain: original scalar → replacement JSON bytes and text. */
  private readonly chainCache = new Map<string, { strings: Map<string, CachedRewrite>; others: Map<string, CachedRewrite> }>();

  constructor(
    private readonly plan: TransformPlan,
    private readonly rewriteScalar: ScalarRewrite,
    private readonly marker: string,
  ) {
    this.scrub = new ScrubSet(marker);
  }

  rewrite(input: Uint8Array): Uint8Array {
    // A Buffer view (no copy): its toString decodes short strings faster than a TextDecoder.
    const src = input instanceof Buffer ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    this.src = src;
    this.editStarts.length = 0;
    this.editEnds.length = 0;
    this.editBytes.length = 0;
    this.freeStarts.length = 0;
    this.freeEnds.length = 0;
    this.scrub.reset(src);
    try {
      const start = skipWhitespace(src, 0);
      if (src[start] !== LBRACE) throw new MalformedJsonError(start);
      const end = this.walkObject(start, this.plan.root);
      if (skipWhitespace(src, end) !== src.length) throw new MalformedJsonError(end);
      if (this.scrub.size > 0 && this.freeStarts.length > 0) this.scrubFreeText();
      return this.editStarts.length === 0 ? input : this.applyEdits();
    } finally {
      this.src = EMPTY;
      this.editBytes.length = 0;
      this.scrub.reset(EMPTY);
    }
  }

  // --- output ---

  private edit(start: number, end: number, bytes: Uint8Array): void {
    this.editStarts.push(start);
    this.editEnds.push(end);
    this.editBytes.push(bytes);
  }

  private applyEdits(): Uint8Array {
    const { editStarts: starts, editEnds: ends, editBytes: bytes, src } = this;
    let length = src.length;
    for (let k = 0; k < starts.length; k++) length += bytes[k]!.length - (ends[k]! - starts[k]!);
    const out = allocateBytes(length);
    // Views of a plain Uint8Array: a Buffer's subarray() builds a Buffer, which costs more.
    const plain = new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
    let at = 0;
    let from = 0;
    for (let k = 0; k <= starts.length; k++) {
      const to = k < starts.length ? starts[k]! : src.length;
      if (to - from > 24) {
        out.set(plain.subarray(from, to), at);
        at += to - from;
      } else {
        for (let i = from; i < to; i++) out[at++] = src[i]!;
      }
      if (k === starts.length) break;
      const b = bytes[k]!;
      if (b.length > 0) {
        out.set(b, at);
        at += b.length;
      }
      from = ends[k]!;
    }
    return out;
  }

  // --- walking the plan ---

  /** The value at `pos`, under `node` when the plan names it, else under its parent's ops and free-text flag. */
  private walkValue(pos: number, node: PlanNode | undefined, ops: ValueOps, free: boolean): number {
    if (node === undefined) {
      if (ops.rewrites.length > 0) return this.scan(pos, REWRITE, ops);
      return free ? this.scan(pos, FREE_TEXT, ops) : skipValue(this.src, pos);
    }
    const c = this.src[pos];
    if (c === LBRACE) {
      if (node.hasMembers || node.partialKeep) return this.walkObject(pos, node);
      return this.walkValue(pos, undefined, node.ops, node.free);
    }
    if (c === LBRACKET) {
      if (node.element !== undefined || node.removeElements) return this.walkArray(pos, node);
      return this.walkValue(pos, undefined, node.ops, node.free);
    }
    const end = c === QUOTE ? skipString(this.src, pos) : skipScalar(this.src, pos);
    if (node.ops.rewrites.length > 0) this.rewriteAt(pos, end, node.ops);
    else if (node.free && c === QUOTE) this.markFreeText(pos, end);
    return end;
  }

  /**
   * Removing members: one after a kept member goes with the separator before it ([end of the kept one, its
   * end)); a run of members before the first kept one goes with the separator after it ([its start, the kept
   * one's start)), or, when none is kept, everything between the braces.
   */
  private walkObject(pos: number, node: PlanNode): number {
    const src = this.src;
    const n = src.length;
    const partial = node.partialKeep;
    let i = pos + 1;
    if (isWhitespace(src[i])) i = skipWhitespace(src, i);
    if (src[i] === RBRACE) return i + 1;
    let keptEnd = -1;
    let leadingRemoved = -1;
    for (;;) {
      if (src[i] !== QUOTE) throw new MalformedJsonError(i);
      const memberStart = i;
      // The key, read here: every member of a named object passes through this loop.
      let escaped = false;
      let j = i + 1;
      for (; j < n; j++) {
        const b = src[j];
        if (b === QUOTE) break;
        if (b === BACKSLASH) {
          escaped = true;
          j++;
        }
      }
      if (j >= n) throw new MalformedJsonError(n);
      i = j + 1;
      if (src[i] !== COLON) {
        i = skipWhitespace(src, i);
        if (src[i] !== COLON) throw new MalformedJsonError(i);
      }
      let valueStart = i + 1;
      if (isWhitespace(src[valueStart])) valueStart = skipWhitespace(src, valueStart);

      const member = escaped ? findEscaped(node, src, memberStart, j + 1) : findMember(node, src, memberStart + 1, j);
      const child = member?.node;
      let valueEnd: number;
      const removed =
        child !== undefined
          ? child.ops.drop || (child.partialKeep && src[valueStart] !== LBRACE && src[valueStart] !== LBRACKET)
          : partial;
      if (removed) {
        valueEnd = child !== undefined && child.ops.drop ? this.scan(valueStart, COLLECT, NO_OPS) : skipValue(src, valueStart);
        if (keptEnd >= 0) {
          this.edit(keptEnd, valueEnd, EMPTY);
          keptEnd = valueEnd;
        } else if (leadingRemoved < 0) leadingRemoved = memberStart;
      } else {
        if (leadingRemoved >= 0) {
          this.edit(leadingRemoved, memberStart, EMPTY);
          leadingRemoved = -1;
        }
        valueEnd = this.walkValue(valueStart, child, node.ops, node.free);
        keptEnd = valueEnd;
      }
      i = valueEnd;
      if (isWhitespace(src[i])) i = skipWhitespace(src, i);
      if (src[i] === COMMA) {
        i++;
        if (isWhitespace(src[i])) i = skipWhitespace(src, i);
        continue;
      }
      if (src[i] !== RBRACE) throw new MalformedJsonError(i);
      if (leadingRemoved >= 0) this.edit(leadingRemoved, i, EMPTY);
      return i + 1;
    }
  }

  /** Removing elements as walkObject removes members. */
  private walkArray(pos: number, node: PlanNode): number {
    const src = this.src;
    const element = node.element;
    const elementOps = element ? element.ops : node.ops;
    const removeAll = node.removeElements || elementOps.drop;
    const partialElements = element !== undefined && element.partialKeep;
    let i = skipWhitespace(src, pos + 1);
    if (src[i] === RBRACKET) return i + 1;
    let keptEnd = -1;
    let leadingRemoved = -1;
    for (;;) {
      const elementStart = i;
      // A scalar cannot hold the attributes kept below it.
      const removed = removeAll || (partialElements && src[elementStart] !== LBRACE && src[elementStart] !== LBRACKET);
      let elementEnd: number;
      if (removed) {
        elementEnd = elementOps.drop ? this.scan(elementStart, COLLECT, NO_OPS) : skipValue(src, elementStart);
        if (keptEnd >= 0) {
          this.edit(keptEnd, elementEnd, EMPTY);
          keptEnd = elementEnd;
        } else if (leadingRemoved < 0) leadingRemoved = elementStart;
      } else {
        if (leadingRemoved >= 0) {
          this.edit(leadingRemoved, elementStart, EMPTY);
          leadingRemoved = -1;
        }
        elementEnd = this.walkValue(elementStart, element, node.ops, node.free);
        keptEnd = elementEnd;
      }
      i = skipWhitespace(src, elementEnd);
      if (src[i] === COMMA) {
        i = skipWhitespace(src, i + 1);
        continue;
      }
      if (src[i] !== RBRACKET) throw new MalformedJsonError(i);
      if (leadingRemoved >= 0) this.edit(leadingRemoved, i, EMPTY);
      return i + 1;
    }
  }

  /**
   * Iterative walk of the value at `pos`, visiting its scalar values (never object keys): REWRITE rewrites each,
   * FREE_TEXT remembers each string for scrubbing, COLLECT remembers each removed value for scrubbing.
   */
  private scan(pos: number, mode: number, ops: ValueOps): number {
    const src = this.src;
    const n = src.length;
    let depth = 0;
    let i = pos;
    for (;;) {
      if (i >= n) throw new MalformedJsonError(i);
      const c = src[i]!;
      if (c === LBRACE || c === LBRACKET) {
        depth++;
        i++;
      } else if (c === RBRACE || c === RBRACKET) {
        i++;
        if (--depth <= 0) return i;
      } else if (c === COMMA || c === COLON || isWhitespace(c)) {
        i++;
      } else {
        const end = c === QUOTE ? skipString(src, i) : skipScalar(src, i);
        const isKey = c === QUOTE && depth > 0 && src[skipWhitespace(src, end)] === COLON;
        if (!isKey) {
          if (mode === REWRITE) this.rewriteAt(i, end, ops);
          else if (mode === FREE_TEXT) {
            if (c === QUOTE) this.markFreeText(i, end);
          } else this.collectRemoved(i, end);
        }
        i = end;
        if (depth === 0) return end;
      }
    }
  }

  // --- values ---

  private rewriteAt(start: number, end: number, ops: ValueOps): void {
    const src = this.src;
    const c = src[start];
    if (c === 0x6e /* null */) return;
    const isString = c === QUOTE;
    const original = isString ? decodeJsonString(src, start, end) : utf8Text(src, start, end);
    let caches = this.chainCache.get(ops.chain);
    if (!caches) this.chainCache.set(ops.chain, (caches = { strings: new Map(), others: new Map() }));
    // Strings and other scalars with the same text (`"1"` and `1`) are different values.
    const cache = isString ? caches.strings : caches.others;
    let hit = cache.get(original);
    if (!hit) {
      let value: string | number | boolean = isString ? original : c === 0x74 ? true : c === 0x66 ? false : Number(original);
      for (const op of ops.rewrites) value = this.rewriteScalar(op, value);
      const text = String(value);
      hit = { json: Buffer.from(JSON.stringify(text), 'utf8'), text };
      if (cache.size >= CHAIN_CACHE_LIMIT) cache.clear();
      cache.set(original, hit);
    }
    this.edit(start, end, hit.json);
    if (c !== 0x74 && c !== 0x66) this.scrub.addToken(start, end, hit.text);
  }

  private collectRemoved(start: number, end: number): void {
    const c = this.src[start];
    if (c === 0x74 || c === 0x66 || c === 0x6e) return; // true, false, null: no text worth finding
    this.scrub.addToken(start, end, this.marker);
  }

  private markFreeText(start: number, end: number): void {
    this.freeStarts.push(start);
    this.freeEnds.push(end);
  }

  /** Merges the scrubbed free-text tokens into the edits (both are in source order and never overlap). */
  private scrubFreeText(): void {
    const starts: number[] = [];
    const ends: number[] = [];
    const bytes: Uint8Array[] = [];
    for (let k = 0; k < this.freeStarts.length; k++) {
      const scrubbed = this.scrub.scrubToken(this.freeStarts[k]!, this.freeEnds[k]!);
      if (!scrubbed) continue;
      starts.push(this.freeStarts[k]!);
      ends.push(this.freeEnds[k]!);
      bytes.push(scrubbed);
    }
    if (starts.length === 0) return;
    const mergedStarts: number[] = [];
    const mergedEnds: number[] = [];
    const mergedBytes: Uint8Array[] = [];
    let a = 0;
    let b = 0;
    const es = this.editStarts;
    while (a < es.length || b < starts.length) {
      if (b >= starts.length || (a < es.length && es[a]! < starts[b]!)) {
        mergedStarts.push(es[a]!);
        mergedEnds.push(this.editEnds[a]!);
        mergedBytes.push(this.editBytes[a]!);
        a++;
      } else {
        mergedStarts.push(starts[b]!);
        mergedEnds.push(ends[b]!);
        mergedBytes.push(bytes[b]!);
        b++;
      }
    }
    this.editStarts.splice(0, es.length, ...mergedStarts);
    this.editEnds.splice(0, this.editEnds.length, ...mergedEnds);
    this.editBytes.splice(0, this.editBytes.length, ...mergedBytes);
  }
}

function findMember(node: PlanNode, src: Uint8Array, from: number, to: number): PlanMember | undefined {
  const candidates = node.byLength[to - from];
  if (candidates === undefined) return undefined;
  for (let k = 0; k < candidates.length; k++) {
    const m = candidates[k]!;
    if (bytesEqual(src, from, to, m.nameBytes)) return m;
  }
  return undefined;
}

/** A key written with escapes (`"us\u0065r"`) is the same key: compare it decoded, or it would slip past. */
function findEscaped(node: PlanNode, src: Uint8Array, keyStart: number, keyEnd: number): PlanMember | undefined {
  const key = Buffer.from(decodeJsonString(src, keyStart, keyEnd), 'utf8');
  return findMember(node, key, 0, key.length);
}
