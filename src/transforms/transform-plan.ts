/**
 * A validated transform list compiled into the tree the event rewriter walks (once per stream, not per event):
 *
 * - the op tree: one node per path prefix the list names, `[]` as an `element` node; each node holds the ops that
 *   apply to a value there — its own and its ancestors' (`redact user` applies to `user.name`), in list order.
 *   `drop` anywhere in that chain removes the value; the others rewrite it in order;
 * - the keep tree: the intersection of every keep_only list, plus the protected paths. A member survives when
 *   the tree names it; a `full` node keeps everything below it.
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

export interface NamedChild<N> {
  readonly name: string;
  readonly nameBytes: Uint8Array;
  readonly node: N;
}

export interface PlanNode {
  readonly children: readonly NamedChild<PlanNode>[];
  readonly element: PlanNode | undefined;
  readonly ops: ValueOps;
  /** Some member or element below may be removed: the rewriter rebuilds the container. */
  readonly removesChildren: boolean;
}

export interface KeepNode {
  /** Everything below is kept. */
  readonly full: boolean;
  readonly children: readonly NamedChild<KeepNode>[];
  readonly element: KeepNode | undefined;
}

export interface TransformPlan {
  readonly root: PlanNode;
  readonly keep: KeepNode | undefined;
  /** A field's value is removed or rewritten: free text may hold it and is scrubbed. */
  readonly scrubs: boolean;
}

interface Builder {
  children: Map<string, Builder>;
  element?: Builder;
  own: { index: number; op: PathOp }[];
}

const newBuilder = (): Builder => ({ children: new Map(), own: [] });

export function buildTransformPlan(list: TransformList): TransformPlan {
  const root = newBuilder();
  const keepLists: FieldPath[][] = [];
  let scrubs = false;
  list.forEach((t, index) => {
    if (t.op === 'keep_only') {
      keepLists.push(t.paths.map(mustParse));
      return;
    }
    scrubs = true;
    let node = root;
    for (const seg of mustParse(t.path)) {
      node = child(node, seg.name);
      if (seg.array) node = (node.element ??= newBuilder());
    }
    node.own.push({ index, op: t.op });
  });
  return { root: freeze(root, []), keep: keepLists.length > 0 ? keepTree(intersect(keepLists)) : undefined, scrubs };
}

function mustParse(text: string): FieldPath {
  const parsed = parseFieldPath(text);
  if (!parsed.ok) throw new Error(`transform path ${JSON.stringify(text)}: ${parsed.error}`);
  return parsed.path;
}

function child(node: Builder, name: string): Builder {
  let c = node.children.get(name);
  if (!c) node.children.set(name, (c = newBuilder()));
  return c;
}

function freeze(b: Builder, inherited: readonly { index: number; op: PathOp }[]): PlanNode {
  const chain = [...inherited, ...b.own].sort((x, y) => x.index - y.index);
  const ops = toOps(chain);
  const children = [...b.children].map(([name, c]) => named(name, freeze(c, chain)));
  const element = b.element ? freeze(b.element, chain) : undefined;
  return {
    children,
    element,
    ops,
    removesChildren: children.some((c) => c.node.ops.drop) || (element?.ops.drop ?? false),
  };
}

function toOps(chain: readonly { op: PathOp }[]): ValueOps {
  if (chain.length === 0) return NO_OPS;
  const rewrites = chain.filter((c) => c.op !== 'drop').map((c) => c.op as RewriteOp);
  return { drop: chain.some((c) => c.op === 'drop'), rewrites, chain: rewrites.join(',') };
}

function named<N>(name: string, node: N): NamedChild<N> {
  return { name, nameBytes: Buffer.from(name, 'utf8'), node };
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

interface KeepBuilder {
  full: boolean;
  children: Map<string, KeepBuilder>;
  element?: KeepBuilder;
}

function keepTree(paths: FieldPath[]): KeepNode {
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
  return freezeKeep(root);
}

function freezeKeep(b: KeepBuilder): KeepNode {
  if (b.full) return FULL_KEEP;
  return {
    full: false,
    children: [...b.children].map(([name, c]) => named(name, freezeKeep(c))),
    element: b.element ? freezeKeep(b.element) : undefined,
  };
}

const FULL_KEEP: KeepNode = Object.freeze({ full: true, children: [], element: undefined });
