/**
 * Whether a driver error is a unique-index violation of `index` (better-sqlite3: SQLITE_CONSTRAINT_UNIQUE naming
 * the index's columns; pg: SQLSTATE 23505 naming the constraint), so repositories can answer "taken" instead of
 * failing.
 */
export function isUniqueViolation(err: unknown, index: { name: string; table: string; columns: readonly string[] }): boolean {
  const e = err as { code?: unknown; constraint?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (e.code === '23505') return e.constraint === index.name;
  if (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return typeof e.message === 'string' && e.message.endsWith(index.columns.map((c) => `${index.table}.${c}`).join(', '));
  }
  return false;
}
