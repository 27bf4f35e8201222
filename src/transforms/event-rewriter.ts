/**
 * Applies a TransformPlan to one event's JSON bytes in a single pass, without parsing the event: values the plan
 * does not name are skipped byte by byte and copied as they are; the output is the input's unchanged byte
 * ranges with the replaced values between them (compact separators where members were removed). An event the
 * plan leaves unchanged is returned as the same array.
 *
 * Free text (top-level raw_data, message, status_detail, and the strings under unmapped) is remembered while
 * walking and scrubbed at the end, once every removed or rewritten value is known (raw_data often comes before
 * the fields it quotes). See free-text-scrub.ts.
 *
 * Recursion follows the plan's trees only (at most one level per path segment); everything below them —
 * skipping, rewriting a whole subtree, scanning free text — is iterative, so no nesting depth can overflow.
 */
import { ScrubSet, MIN_SCRUB_LENGTH } from './free-text-scrub.ts';
import {
  BACKSLASH,
  bytesEqual,
  COLON,
  COMMA,
  decodeJsonString,
  hasByte,
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
import { NO_OPS, type KeepNode, type NamedChild, type PlanNode, type RewriteOp, type TransformPlan, type ValueOps } from './transform-plan.ts';

/** Rewrites one scalar: its JSON text and decoded value in, the replacement string out. */
export type ScalarRewrite = (op: RewriteOp, value: string | number | boolean) => string;

const FREE_TEXT_KEYS = ['raw_data', 'message', 'status_detail', 'unmapped'].map((k) => Buffer.from(k, 'utf8'));
const COMMA_BYTES = Uint8Array.of(COMMA);
const CHAIN_CACHE_LIMIT = 4096;

/** Subtree scan modes (scan()). */
const REWRITE = 1;
const FREE_TEXT = 2;
const COLLECT = 3;

export class EventRewriter {
  // Per-event state, reset by rewrite(): an instance serves one stream on one thread, one event at a time.
  private src: Uint8Array = EMPTY;
  /** The output: source ranges [start, end) and, where `end` is -1, `bytes[k]` instead. */
  private starts: number[] = [];
  private ends: number[] = [];
  private bytes: (Uint8Array | undefined)[] = [];
  private cursor = 0;
  private edited = false;
  private freeText: number[] = [];
  private readonly scrub: ScrubSet;
  /** Per rewrite chain: original scalar text → replacement JSON bytes and text. */
  private readonly chainCache = new Map<string, Map<string, { json: Uint8Array; text: string }>>();

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
    this.starts = [];
    this.ends = [];
    this.bytes = [];
    this.cursor = 0;
    this.edited = false;
    this.freeText = [];
    this.scrub.clear();
    try {
      const start = skipWhitespace(src, 0);
      if (src[start] !== LBRACE) throw new MalformedJsonError(start);
      const end = this.walkObject(start, this.plan.root, NO_OPS, this.plan.keep, false, true);
      if (skipWhitespace(src, end) !== src.length) throw new MalformedJsonError(end);
      if (this.scrub.size > 0) this.scrubFreeText();
      if (!this.edited) return input;
      this.copyTo(src.length);
      return this.concat();
    } finally {
      this.src = EMPTY;
      this.bytes = [];
    }
  }

  // --- output ---

  private copyTo(pos: number): void {
    if (pos > this.cursor) {
      this.starts.push(this.cursor);
      this.ends.push(pos);
      this.bytes.push(undefined);
    }
    this.cursor = pos;
  }

  private push(bytes: Uint8Array): void {
    this.starts.push(0);
    this.ends.push(-1);
    this.bytes.push(bytes);
  }

  private concat(): Uint8Array {
    const { starts, ends, bytes, src } = this;
    let length = 0;
    for (let k = 0; k < starts.length; k++) length += ends[k]! < 0 ? bytes[k]!.length : ends[k]! - starts[k]!;
    const out = Buffer.allocUnsafe(length);
    let at = 0;
    for (let k = 0; k < starts.length; k++) {
      const end = ends[k]!;
      if (end < 0) {
        const b = bytes[k]!;
        out.set(b, at);
        at += b.length;
      } else {
        const start = starts[k]!;
        if (end - start > 64) {
          out.set(src.subarray(start, end), at);
          at += end - start;
        } else {
          // Short ranges by hand: a subarray view costs more than copying a few bytes.
          for (let i = start; i < end; i++) out[at++] = src[i]!;
        }
      }
    }
    return out;
  }

  private skipTo(pos: number): void {
    this.cursor = pos;
  }

  private replace(start: number, end: number, bytes: Uint8Array): void {
    this.copyTo(start);
    this.push(bytes);
    this.cursor = end;
    this.edited = true;
  }

  // --- walking the plan ---

  private walkValue(pos: number, node: PlanNode | undefined, ops: ValueOps, keep: KeepNode | undefined, free: boolean): number {
    if (node === undefined && keep === undefined) {
      if (ops.rewrites.length > 0) return this.scan(pos, REWRITE, ops);
      return free ? this.scan(pos, FREE_TEXT, ops) : skipValue(this.src, pos);
    }
    const c = this.src[pos];
    if (c === LBRACE) return this.walkObject(pos, node, ops, keep, free, false);
    if (c === LBRACKET) return this.walkArray(pos, node, ops, keep, free);
    const end = c === QUOTE ? skipString(this.src, pos) : skipScalar(this.src, pos);
    if (ops.rewrites.length > 0) this.rewriteAt(pos, end, ops);
    else if (free && c === QUOTE) this.markFreeText(pos, end);
    return end;
  }

  private walkObject(pos: number, node: PlanNode | undefined, ops: ValueOps, keep: KeepNode | undefined, free: boolean, root: boolean): number {
    const src = this.src;
    const rebuild = keep !== undefined || (node !== undefined && node.removesChildren);
    const freeKeys = root && this.plan.scrubs;
    let i = skipWhitespace(src, pos + 1);
    if (src[i] === RBRACE) return i + 1;
    if (rebuild) this.copyTo(pos + 1);
    let kept = 0;
    for (;;) {
      if (src[i] !== QUOTE) throw new MalformedJsonError(i);
      const memberStart = i;
      const keyEnd = skipString(src, i);
      const escaped = hasByte(src, BACKSLASH, i + 1, keyEnd - 1);
      i = skipWhitespace(src, keyEnd);
      if (src[i] !== COLON) throw new MalformedJsonError(i);
      const valueStart = skipWhitespace(src, i + 1);

      const childNode = node === undefined ? undefined : findChild(node.children, src, memberStart, keyEnd, escaped);
      const childOps = childNode ? childNode.ops : ops;
      let childKeep: KeepNode | undefined;
      let removed = childOps.drop;
      if (keep !== undefined && !removed) {
        const k = findChild(keep.children, src, memberStart, keyEnd, escaped);
        if (k === undefined) removed = true;
        else if (!k.full) {
          childKeep = k;
          // A scalar cannot hold the attributes that are kept below it.
          const v = src[valueStart];
          if (v !== LBRACE && v !== LBRACKET) removed = true;
        }
      }
      const childFree = free || (freeKeys && isFreeTextKey(src, memberStart, keyEnd, escaped));

      let valueEnd: number;
      if (removed) {
        if (!rebuild) throw new Error('transform plan: a member is removed from a container that is not rebuilt');
        valueEnd = childOps.drop ? this.scan(valueStart, COLLECT, NO_OPS) : skipValue(src, valueStart);
        this.skipTo(valueEnd);
        this.edited = true;
      } else {
        if (rebuild) {
          this.skipTo(memberStart);
          if (kept > 0) this.push(COMMA_BYTES);
        }
        valueEnd = this.walkValue(valueStart, childNode, childOps, childKeep, childFree);
        if (rebuild) this.copyTo(valueEnd);
        kept++;
      }
      i = skipWhitespace(src, valueEnd);
      if (src[i] === COMMA) {
        i = skipWhitespace(src, i + 1);
        continue;
      }
      if (src[i] !== RBRACE) throw new MalformedJsonError(i);
      if (rebuild) this.skipTo(i);
      return i + 1;
    }
  }

  private walkArray(pos: number, node: PlanNode | undefined, ops: ValueOps, keep: KeepNode | undefined, free: boolean): number {
    const src = this.src;
    const elementNode = node?.element;
    const elementOps = elementNode ? elementNode.ops : ops;
    // Under a partial keep, only `name[]` paths keep elements; `name.x` does not reach into an array.
    const elementKeep = keep === undefined ? undefined : keep.element;
    const removeAll = elementOps.drop || (keep !== undefined && elementKeep === undefined);
    const partialElements = elementKeep !== undefined && !elementKeep.full ? elementKeep : undefined;
    const rebuild = removeAll || partialElements !== undefined;
    let i = skipWhitespace(src, pos + 1);
    if (src[i] === RBRACKET) return i + 1;
    if (rebuild) this.copyTo(pos + 1);
    let kept = 0;
    for (;;) {
      const elementStart = i;
      let removed = removeAll;
      if (!removed && partialElements !== undefined) {
        const v = src[elementStart];
        if (v !== LBRACE && v !== LBRACKET) removed = true;
      }
      let elementEnd: number;
      if (removed) {
        elementEnd = elementOps.drop ? this.scan(elementStart, COLLECT, NO_OPS) : skipValue(src, elementStart);
        this.skipTo(elementEnd);
        this.edited = true;
      } else {
        if (rebuild) {
          this.skipTo(elementStart);
          if (kept > 0) this.push(COMMA_BYTES);
        }
        elementEnd = this.walkValue(elementStart, elementNode, elementOps, partialElements, free);
        if (rebuild) this.copyTo(elementEnd);
        kept++;
      }
      i = skipWhitespace(src, elementEnd);
      if (src[i] === COMMA) {
        i = skipWhitespace(src, i + 1);
        continue;
      }
      if (src[i] !== RBRACKET) throw new MalformedJsonError(i);
      if (rebuild) this.skipTo(i);
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
    const original = c === QUOTE ? decodeJsonString(src, start, end) : utf8Text(src, start, end);
    let cache = this.chainCache.get(ops.chain);
    if (!cache) this.chainCache.set(ops.chain, (cache = new Map()));
    // Strings and other scalars with the same text (`"1"` and `1`) are different values.
    const cacheKey = c === QUOTE ? `s${original}` : `v${original}`;
    let hit = cache.get(cacheKey);
    if (!hit) {
      let value: string | number | boolean = c === QUOTE ? original : c === 0x74 ? true : c === 0x66 ? false : Number(original);
      for (const op of ops.rewrites) value = this.rewriteScalar(op, value);
      const text = String(value);
      hit = { json: Buffer.from(JSON.stringify(text), 'utf8'), text };
      if (cache.size >= CHAIN_CACHE_LIMIT) cache.clear();
      cache.set(cacheKey, hit);
    }
    this.replace(start, end, hit.json);
    if (c !== 0x74 && c !== 0x66) this.scrub.add(original, hit.text);
  }

  private collectRemoved(start: number, end: number): void {
    const src = this.src;
    const c = src[start];
    if (c === 0x74 || c === 0x66 || c === 0x6e) return; // true, false, null: no text worth finding
    if (end - start < MIN_SCRUB_LENGTH) return;
    this.scrub.add(c === QUOTE ? decodeJsonString(src, start, end) : utf8Text(src, start, end), this.marker);
  }

  /** A free-text string becomes its own output range, so that scrubFreeText() can replace it. */
  private markFreeText(start: number, end: number): void {
    this.copyTo(start);
    this.freeText.push(this.starts.length);
    this.copyTo(end);
  }

  private scrubFreeText(): void {
    for (const k of this.freeText) {
      const scrubbed = this.scrub.scrubToken(this.src, this.starts[k]!, this.ends[k]!);
      if (scrubbed) {
        this.ends[k] = -1;
        this.bytes[k] = scrubbed;
        this.edited = true;
      }
    }
  }
}

const EMPTY = new Uint8Array(0);

function findChild<N>(children: readonly NamedChild<N>[], src: Uint8Array, keyStart: number, keyEnd: number, escaped: boolean): N | undefined {
  if (children.length === 0) return undefined;
  if (escaped) {
    // A key written with escapes (`"us\u0065r"`) is the same key: compare decoded, or it would slip past.
    const key = decodeJsonString(src, keyStart, keyEnd);
    for (const c of children) if (c.name === key) return c.node;
    return undefined;
  }
  for (let i = 0; i < children.length; i++) {
    const c = children[i]!;
    if (bytesEqual(src, keyStart + 1, keyEnd - 1, c.nameBytes)) return c.node;
  }
  return undefined;
}

function isFreeTextKey(src: Uint8Array, keyStart: number, keyEnd: number, escaped: boolean): boolean {
  if (escaped) {
    const key = decodeJsonString(src, keyStart, keyEnd);
    return FREE_TEXT_KEYS.some((k) => Buffer.from(key, 'utf8').equals(k));
  }
  for (const k of FREE_TEXT_KEYS) if (bytesEqual(src, keyStart + 1, keyEnd - 1, k)) return true;
  return false;
}
