/**
 * Ajv errors as FastAPI-like issues, each naming its field and the rule it broke ("Input should be <= 500"), for
 * connector configs and for API bodies, query strings and paths alike.
 */
import type { ErrorObject } from 'ajv';
import type { FieldIssue } from './types.ts';

type Branch = { index: number; schema: unknown; errors: ErrorObject[] };

/**
 * All errors of one validation. Ajv reports every failed branch of an anyOf/oneOf and then the anyOf itself
 * ("must match a schema in anyOf"), which names no rule: each anyOf becomes the issues of the branch that came
 * closest, or one "one of" issue when its branches are constants.
 */
export function toIssues(errors: readonly ErrorObject[]): FieldIssue[] {
  const unions = errors.filter(isUnion);
  const inBranchOf = (e: ErrorObject, u: ErrorObject) => e !== u && e.schemaPath.startsWith(`${u.schemaPath}/`);
  const issues: FieldIssue[] = [];
  for (const e of errors) {
    if (unions.some((u) => inBranchOf(e, u))) continue;
    if (isUnion(e)) issues.push(...unionIssues(e, errors.filter((b) => inBranchOf(b, e))));
    else issues.push(toIssue(e));
  }
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = JSON.stringify([i.path, i.message]);
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

const isUnion = (e: ErrorObject) => e.keyword === 'anyOf' || e.keyword === 'oneOf';

function unionIssues(u: ErrorObject, branchErrors: ErrorObject[]): FieldIssue[] {
  const path = pathOf(u);
  const schemas = Array.isArray(u.schema) ? (u.schema as unknown[]) : [];
  const constants = schemas.map(constantsOf);
  if (schemas.length > 0 && constants.every((c) => c !== undefined)) {
    return [{ path, message: `Input should be one of: ${constants.flat().map(show).join(', ')}`, type: 'enum' }];
  }
  if (u.keyword === 'oneOf' && branchErrors.length === 0) {
    return [{ path, message: 'Input matches more than one allowed form', type: 'value_error' }];
  }
  const branches = new Map<number, Branch>();
  for (const e of branchErrors) {
    const index = Number(e.schemaPath.slice(u.schemaPath.length + 1).split('/')[0]);
    const b = branches.get(index) ?? { index, schema: schemas[index], errors: [] };
    b.errors.push(e);
    branches.set(index, b);
  }
  const nullable = schemas.some((s) => (s as { type?: unknown })?.type === 'null');
  const candidates = [...branches.values()].filter((b) => (b.schema as { type?: unknown })?.type !== 'null');
  if (candidates.length === 0) return [{ path, message: 'Input should be null', type: 'none_required' }];
  // The branch whose errors lie deepest got furthest into the input: its complaints are the relevant ones.
  const depth = (b: Branch) => Math.max(...b.errors.map((e) => e.instancePath.split('/').length));
  const best = candidates.reduce((a, b) => (depth(b) > depth(a) ? b : a));
  return toIssues(best.errors).map((i) =>
    nullable && samePath(i.path, path) ? { ...i, message: `${i.message} (or null)` } : i,
  );
}

/** The values a branch allows when it is a constant (`const`, or `enum`), else undefined. */
function constantsOf(schema: unknown): unknown[] | undefined {
  const s = schema as { const?: unknown; enum?: unknown[] } | undefined;
  if (s && 'const' in s) return [s.const];
  if (s && Array.isArray(s.enum)) return s.enum;
  return undefined;
}

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
const samePath = (a: (string | number)[], b: (string | number)[]) => a.length === b.length && a.every((p, i) => p === b[i]);

function pathOf(e: ErrorObject): (string | number)[] {
  return e.instancePath
    .split('/')
    .slice(1)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p.replace(/~1/g, '/').replace(/~0/g, '~')));
}

/** One Ajv error as a FastAPI-like issue. */
export function toIssue(e: ErrorObject): FieldIssue {
  const path = pathOf(e);
  const p = e.params as Record<string, unknown>;
  const limit = p.limit as number;
  switch (e.keyword) {
    case 'required':
      return { path: [...path, p.missingProperty as string], message: 'Field required', type: 'missing' };
    case 'additionalProperties':
      return { path: [...path, p.additionalProperty as string], message: 'Extra inputs are not permitted', type: 'extra_forbidden' };
    case 'type':
      return { path, message: `Input should be a valid ${String(p.type).replace(',', ' or ')}`, type: `${String(p.type).split(',')[0]}_type` };
    case 'pattern':
      return { path, message: patternMessage(e), type: 'value_error' };
    case 'format':
      return { path, message: formatMessage(e), type: 'value_error' };
    case 'enum':
      return { path, message: `Input should be one of: ${((p.allowedValues as unknown[]) ?? []).map(show).join(', ')}`, type: 'enum' };
    case 'const':
      return { path, message: `Input should be ${show(p.allowedValue)}`, type: 'literal_error' };
    case 'minLength':
      return { path, message: limit <= 1 ? 'String should not be empty' : `String should have at least ${limit} characters`, type: 'string_too_short' };
    case 'maxLength':
      return { path, message: `String should have at most ${limit} characters`, type: 'string_too_long' };
    case 'minimum':
      return { path, message: `Input should be >= ${limit}`, type: 'greater_than_equal' };
    case 'maximum':
      return { path, message: `Input should be <= ${limit}`, type: 'less_than_equal' };
    case 'exclusiveMinimum':
      return { path, message: `Input should be > ${limit}`, type: 'greater_than' };
    case 'exclusiveMaximum':
      return { path, message: `Input should be < ${limit}`, type: 'less_than' };
    case 'multipleOf':
      return { path, message: `Input should be a multiple of ${p.multipleOf as number}`, type: 'multiple_of' };
    case 'minItems':
      return { path, message: `List should have at least ${limit} item${limit === 1 ? '' : 's'}`, type: 'too_short' };
    case 'maxItems':
      return { path, message: `List should have at most ${limit} items`, type: 'too_long' };
    case 'uniqueItems':
      return {
        path,
        message: `List items should be unique (items ${Math.min(p.i as number, p.j as number)} and ${Math.max(p.i as number, p.j as number)} are equal)`,
        type: 'unique_items',
      };
    case 'minProperties':
      return { path, message: `Object should have at least ${limit} field${limit === 1 ? '' : 's'}`, type: 'too_short' };
    case 'maxProperties':
      return { path, message: `Object should have at most ${limit} fields`, type: 'too_long' };
    case 'propertyNames':
      return { path: [...path, p.propertyName as string], message: 'Field name is not allowed', type: 'value_error' };
    default:
      return { path, message: e.message ?? 'Invalid value', type: 'value_error' };
  }
}

function patternMessage(e: ErrorObject): string {
  const desc = (e.parentSchema as { description?: string } | undefined)?.description;
  const pattern = String((e.params as { pattern?: string }).pattern ?? '');
  if (pattern.includes('[hH][tT][tT][pP]')) return 'Input should be an absolute http:// or https:// URL';
  return desc ? `Invalid value (${desc})` : `String should match pattern '${pattern}'`;
}

const FORMAT_NAMES: Record<string, string> = {
  uuid: 'UUID',
  'date-time': 'date-time (RFC 3339, e.g. 2026-01-31T12:00:00Z)',
  uri: 'URI',
  email: 'email address',
};

function formatMessage(e: ErrorObject): string {
  const format = String((e.params as { format?: string }).format ?? '');
  return `Input should be a valid ${FORMAT_NAMES[format] ?? format}`;
}
