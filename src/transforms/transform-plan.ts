/**
 * A validated transform list compiled, once per stream, into the one tree the event rewriter walks. A node stands
 * for a path prefix that the list names (`[]` as an `element` node) and says, for the value found there:
 *
 * - `ops`: the ops that apply to it — its own and its ancestors' (`redact user` applies to `user.name`), in list
 *   order. `drop` anywhere in that chain removes the value; the others rewrite its scalars in order;
 * - `partialKeep`: keep_only keeps only some of it: a member or element without a node here is removed (the keep
 *   tree is the intersection of every keep_only list, plus the protected paths);
 * - `free`: it is free text to scrub (top-level raw_data, message, status_detail, unmapped).
 *
 * Members are looked up by their key's byte length first, so most keys of an event are passed over after one
 * array read.
 */
import { parseFieldPath, pathCovers, type FieldPath } from './field-path.ts';
import { PROTECTED_PATHS } from './protected-paths.ts';
import type { PathOp, TransformList } from './transform-schema.ts';

export type RewriteOp = Exclude<PathOp, 'drop'>;

export interface ValueOps {
  readonly drop: boolean;
  /** Rewrites applied in order to every scalar at and below the node. */
  readonly rewrites: readonly RewriteOp[];
  /** Cache key of the rewrite chain (`redact,hash`): values rewritten by the same chain rewrite alike. */
  readonly chain: string;
}

export const NO_OPS: ValueOps = Object.freeze({ drop: false, rewrites: Object.freeze([]) as readonly RewriteOp[], chain: '' });

export interface PlanNode {
  readonly ops: ValueOps;
  readonly partialKeep: boolean;
  readonly free: boolean;
  /** Named members, by the byte length of the key. */
  readonly byLength: readonly (readonly PlanMember[] | undefined)[];
  readonly hasMembers: boolean;
  readonly element: PlanNode | undefined;
  /** Under a partial keep, no `[]` path keeps this array's elements. */
  readonly removeElements: boolean;
}

export interface PlanMember {
  readonly name: string;
  readonly nameBytes: Uint8Array;
  readonly node: PlanNode;
}

export interface TransformPlan {
  readonly root: PlanNode;
  /** A field's value is removed or rewritten: free text may hold it and is scrubbed. */
  readonly scrubs: boolean;
}

export const FREE_TEXT_KEYS: readonly string[] = ['raw_data', 'message', 'status_detail', 'unmapped'];

type Owned = { index: number; op: PathOp };

interface OpBuilder {
  children: Map<string, OpBuilder>;
  element?: OpBuilder;
  own: Owned[];
}

interface KeepBuilder {
  full: boolean;
  children: Map<string, KeepBuilder>;
  element?: KeepBuilder;
}

export function buildTransformPlan(list: TransformList): TransformPlan {
  const ops: OpBuilder = { children: new Map(), own: [] };
  const keepLists: FieldPath[][] = [];
  let scrubs = false;
  list.forEach((t, index) => {
    if (t.op === 'keep_only') {
      keepLists.push(t.paths.map(mustParse));
      return;
    }
    scrubs = true;
    let node = ops;
    for (const seg of mustParse(t.path)) {
      let c = node.children.get(seg.name);
      if (!c) node.children.set(seg.name, (c = { children: new Map(), own: [] }));
      node = c;
      if (seg.array) node = node.element ??= { children: new Map(), own: [] };
    }
    node.own.push({ index, op: t.op });
  });
  const keep = keepLists.length > 0 ? keepTree(intersect(keepLists)) : undefined;
  return { root: combine(ops, keep, [], scrubs ? FREE_TEXT_KEYS : [], false), scrubs };
}

function mustParse(text: string): FieldPath {
  const parsed = parseFieldPath(text);
  if (!parsed.ok) throw new Error(`transform path ${JSON.stringify(text)}: ${parsed.error}`);
  return parsed.path;
}

/** The op tree and the keep tree as one (keep undefined or full: no keep constraint below). */
function combine(
  ops: OpBuilder | undefined,
  keep: KeepBuilder | undefined,
  inherited: readonly Owned[],
  freeKeys: readonly string[],
  free: boolean,
): PlanNode {
  const chain = [...inherited, ...(ops?.own ?? [])].sort((x, y) => x.index - y.index);
  const partialKeep = keep !== undefined && !keep.full;
  const names = new Set([...(ops?.children.keys() ?? []), ...(partialKeep ? keep.children.keys() : []), ...freeKeys]);
  const members: PlanMember[] = [];
  for (const name of names) {
    const childKeep = partialKeep ? keep.children.get(name) : undefined;
    // Under a partial keep a member without a keep entry is removed: it needs no node.
    if (partialKeep && childKeep === undefined) continue;
    const node = combine(ops?.children.get(name), childKeep, chain, [], free || freeKeys.includes(name));
    members.push({ name, nameBytes: Buffer.from(name, 'utf8'), node });
  }
  const elementKeep = partialKeep ? keep.element : undefined;
  const removeElements = partialKeep && elementKeep === undefined;
  const element = ops?.element || (elementKeep && !elementKeep.full) ? combine(ops?.element, elementKeep, chain, [], free) : undefined;
  const byLength: PlanMember[][] = [];
  for (const m of members) (byLength[m.nameBytes.length] ??= []).push(m);
  const valueOps = toOps(chain);
  return {
    ops: valueOps,
    partialKeep,
    free,
    byLength,
    hasMembers: members.length > 0,
    element,
    removeElements,
  };
}

function toOps(chain: readonly Owned[]): ValueOps {
  if (chain.length === 0) return NO_OPS;
  const rewrites = chain.filter((c) => c.op !== 'drop').map((c) => c.op as RewriteOp);
  return { drop: chain.some((c) => c.op === 'drop'), rewrites, chain: rewrites.join(',') };
}

/** The paths every keep_only list keeps: a path survives when each list keeps it or an attribute inside it. */
function intersect(lists: FieldPath[][]): FieldPath[] {
  let result = lists[0]!;
  for (const other of lists.slice(1)) {
    result = [
      ...result.filter((p) => other.some((q) => pathCovers(q, p))),
      ...other.filter((q) => result.some((p) => pathCovers(p, q))),
    ];
  }
  return result;
}

function keepTree(paths: FieldPath[]): KeepBuilder {
  const root: KeepBuilder = { full: false, children: new Map() };
  for (const path of [...paths, ...PROTECTED_PATHS]) {
    let node = root;
    for (const seg of path) {
      if (node.full) break;
      let c = node.children.get(seg.name);
      if (!c) node.children.set(seg.name, (c = { full: false, children: new Map() }));
      node = c;
      if (seg.array) node = node.element ??= { full: false, children: new Map() };
    }
    node.full = true;
  }
  return root;
}
