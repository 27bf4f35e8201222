/**
 * The `_bulk` semantics of the Elasticsearch mock (protocols.md §3.3/§3.6): NDJSON parsing with ES's top-level
 * errors, then per-action execution against an in-memory store with ES's per-item results.
 */

export interface EsErrorBody {
  type: string;
  reason: string;
  [k: string]: unknown;
}

/** A whole-request failure (400 with `{"error":{…},"status":400}`). */
export class BulkRequestError extends Error {
  constructor(
    readonly status: number,
    readonly error: EsErrorBody,
  ) {
    super(error.reason);
  }
}

type ActionName = 'index' | 'create' | 'update' | 'delete';
const ACTIONS = new Set<ActionName>(['index', 'create', 'update', 'delete']);
const META_FIELDS = new Set([
  '_index', '_id', 'routing', 'pipeline', 'require_alias', 'require_data_stream', 'if_seq_no', 'if_primary_term',
  'version', 'version_type', 'dynamic_templates', 'retry_on_conflict', '_source', 'list_executed_pipelines',
]);
const MAX_ID_BYTES = 512;

export interface BulkOperation {
  action: ActionName;
  index: string;
  id?: string;
  pipeline?: string;
  /** Raw source line (index/create/update), parsed lazily per item so a bad document fails alone. */
  source?: string;
  /** 1-based line number of the action line. */
  line: number;
}

const illegal = (reason: string) => new BulkRequestError(400, { type: 'illegal_argument_exception', reason });
const validation = (reason: string) =>
  new BulkRequestError(400, { type: 'action_request_validation_exception', reason: `Validation Failed: 1: ${reason};` });

/** NDJSON → operations, or a BulkRequestError exactly where Elasticsearch fails the whole request. */
export function parseBulkBody(text: string, urlTarget: string | undefined, urlPipeline: string | undefined): BulkOperation[] {
  if (text.length === 0) throw validation('no requests added');
  if (!text.endsWith('\n')) throw illegal('The bulk request must be terminated by a newline [\\n]');
  const lines = text.slice(0, -1).split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const ops: BulkOperation[] = [];
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let action: unknown;
    try {
      action = JSON.parse(lines[i]);
    } catch {
      throw illegal(`Malformed action/metadata line [${lineNo}], expected START_OBJECT but found [${lines[i].slice(0, 20)}]`);
    }
    if (!action || typeof action !== 'object' || Array.isArray(action)) {
      throw illegal(`Malformed action/metadata line [${lineNo}], expected START_OBJECT`);
    }
    const keys = Object.keys(action);
    if (keys.length !== 1 || !ACTIONS.has(keys[0] as ActionName)) {
      throw illegal(`Malformed action/metadata line [${lineNo}], expected field [create], [delete], [index] or [update] but found [${keys[0]}]`);
    }
    const name = keys[0] as ActionName;
    const meta = (action as Record<string, unknown>)[name];
    if (!meta || typeof meta !== 'object' || Array.isArray(meta)) {
      throw illegal(`Malformed action/metadata line [${lineNo}], expected START_OBJECT`);
    }
    for (const k of Object.keys(meta)) {
      if (!META_FIELDS.has(k)) throw illegal(`Action/metadata line [${lineNo}] contains an unknown parameter [${k}]`);
    }
    const m = meta as Record<string, unknown>;
    const index = m._index ?? urlTarget;
    if (typeof index !== 'string' || index.length === 0) throw validation('index is missing');
    if (m._id !== undefined && typeof m._id !== 'string') throw illegal(`Malformed action/metadata line [${lineNo}]: _id must be a string`);
    if (typeof m._id === 'string' && Buffer.byteLength(m._id) > MAX_ID_BYTES) {
      throw validation(`id [${m._id}] is too long, must be no longer than 512 bytes but was: ${Buffer.byteLength(m._id)}`);
    }
    if ((name === 'update' || name === 'delete') && m._id === undefined) throw validation('id is missing');
    const op: BulkOperation = {
      action: name,
      index,
      id: m._id as string | undefined,
      pipeline: (m.pipeline as string | undefined) ?? urlPipeline,
      line: lineNo,
    };
    if (name !== 'delete') {
      if (i + 1 >= lines.length) throw validation(name === 'update' ? 'script or doc is missing' : 'source is missing');
      op.source = lines[++i];
    }
    ops.push(op);
  }
  return ops;
}

export interface ItemResult {
  status: number;
  result?: string;
  error?: EsErrorBody;
  id: string;
  document?: Record<string, unknown>;
}

export interface BulkStoreOptions {
  /** Data stream names; a trailing `*` matches a prefix. */
  dataStreams: readonly string[];
  /** When set, pipelines outside this list do not exist. */
  pipelines?: readonly string[];
  /** Indices the credential may not write to (per-item 403). */
  deniedIndices: readonly string[];
}

const INVALID_INDEX_CHARS = /[\\/*?"<>| ,#:]/;

/** The cluster's documents, by index then id. */
export class BulkStore {
  private readonly indices = new Map<string, Map<string, Record<string, unknown>>>();
  private seqNo = 0;
  private autoId = 0;

  constructor(private readonly opts: BulkStoreOptions) {}

  isDataStream(index: string): boolean {
    return this.opts.dataStreams.some((d) => (d.endsWith('*') ? index.startsWith(d.slice(0, -1)) : index === d));
  }

  execute(op: BulkOperation): ItemResult {
    const id = op.id ?? `auto-${++this.autoId}`;
    const fail = (status: number, type: string, reason: string): ItemResult => ({
      status,
      id,
      error: { type, reason, index: op.index },
    });
    const indexProblem = invalidIndexName(op.index);
    if (indexProblem) return fail(400, 'invalid_index_name_exception', `Invalid index name [${op.index}], ${indexProblem}`);
    if (this.opts.deniedIndices.includes(op.index)) {
      return fail(403, 'security_exception', `action [indices:data/write/bulk[s]] is unauthorized for user [mock] on indices [${op.index}]`);
    }
    if (op.pipeline !== undefined && this.opts.pipelines && !this.opts.pipelines.includes(op.pipeline)) {
      return fail(400, 'illegal_argument_exception', `pipeline with id [${op.pipeline}] does not exist`);
    }
    const dataStream = this.isDataStream(op.index);
    if (dataStream && op.action !== 'create') {
      return fail(400, 'illegal_argument_exception', `only write ops with an op_type of create are allowed in data streams`);
    }
    const docs = this.docsOf(op.index);

    if (op.action === 'delete') {
      return docs.delete(id) ? { status: 200, result: 'deleted', id } : { status: 404, result: 'not_found', id };
    }
    let source: unknown;
    try {
      source = JSON.parse(op.source ?? '');
    } catch (err) {
      return fail(400, 'document_parsing_exception', `[1:1] failed to parse: ${(err as Error).message}`);
    }
    if (!source || typeof source !== 'object' || Array.isArray(source)) {
      return fail(400, 'document_parsing_exception', '[1:1] failed to parse: the document must be a JSON object');
    }
    if (op.action === 'update') {
      const { doc, doc_as_upsert: upsert } = source as { doc?: unknown; doc_as_upsert?: unknown };
      if (!doc || typeof doc !== 'object') return fail(400, 'action_request_validation_exception', 'Validation Failed: 1: script or doc is missing;');
      const current = docs.get(id);
      if (!current && upsert !== true) return fail(404, 'document_missing_exception', `[${id}]: document missing`);
      const merged = { ...(current ?? {}), ...(doc as Record<string, unknown>) };
      docs.set(id, merged);
      return { status: current ? 200 : 201, result: current ? 'updated' : 'created', id, document: merged };
    }
    const document = source as Record<string, unknown>;
    if (dataStream) {
      const ts = document['@timestamp'];
      if (ts === undefined) return fail(400, 'document_parsing_exception', 'data stream timestamp field [@timestamp] is missing');
      if (!(typeof ts === 'number' || (typeof ts === 'string' && !Number.isNaN(Date.parse(ts))))) {
        return fail(400, 'document_parsing_exception', `failed to parse field [@timestamp] of type [date] in document with id '${id}'`);
      }
    }
    if (docs.has(id)) {
      if (op.action === 'create') {
        return fail(409, 'version_conflict_engine_exception', `[${id}]: version conflict, document already exists (current version [1])`);
      }
      docs.set(id, document);
      return { status: 200, result: 'updated', id, document };
    }
    docs.set(id, document);
    return { status: 201, result: 'created', id, document };
  }

  /** The per-item JSON ES returns for this result. */
  itemJson(op: BulkOperation, r: ItemResult): Record<string, unknown> {
    const body: Record<string, unknown> = { _index: op.index, _id: r.id, status: r.status };
    if (r.error) body.error = r.error;
    else {
      Object.assign(body, {
        _version: 1,
        result: r.result,
        _shards: { total: 2, successful: 1, failed: 0 },
        _seq_no: this.seqNo++,
        _primary_term: 1,
      });
    }
    return { [op.action]: body };
  }

  private docsOf(index: string): Map<string, Record<string, unknown>> {
    let docs = this.indices.get(index);
    if (!docs) this.indices.set(index, (docs = new Map()));
    return docs;
  }
}

function invalidIndexName(name: string): string | undefined {
  if (name !== name.toLowerCase()) return 'must be lowercase';
  if (INVALID_INDEX_CHARS.test(name)) return 'must not contain the following characters [ , ", *, \\, <, |, ,, >, /, ?, #, :]';
  if (/^[-_+]/.test(name)) return "must not start with '_', '-', or '+'";
  if (name === '.' || name === '..') return "must not be '.' or '..'";
  if (Buffer.byteLength(name) > 255) return 'index name is too long';
  return undefined;
}
