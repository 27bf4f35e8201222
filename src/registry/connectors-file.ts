/**
 * Reads `SIEM_CONNECTORS_FILE`: `{"connectors": [...]}` as JSON or YAML (by extension, else by content).
 * Parse errors are reported by position only: parsers quote the offending source text, which may be a secret.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';

export type ConnectorsFileResult = { ok: true; entries: unknown[] } | { ok: false; error: string };

export function readConnectorsFile(path: string): ConnectorsFileResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { ok: false, error: `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'read error'}` };
  }
  return parseConnectorsFile(text, path);
}

export function parseConnectorsFile(text: string, path: string): ConnectorsFileResult {
  const parsed = formatOf(path, text) === 'json' ? parseJson(text) : parseYaml(text);
  if ('error' in parsed) return { ok: false, error: `${path} ${parsed.error}` };
  const root = parsed.value;
  if (root === null || typeof root !== 'object' || Array.isArray(root) || !Array.isArray((root as { connectors?: unknown }).connectors)) {
    return { ok: false, error: `${path} must hold an object with a "connectors" list` };
  }
  return { ok: true, entries: (root as { connectors: unknown[] }).connectors };
}

function formatOf(path: string, text: string): 'json' | 'yaml' {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  return /^\s*[{[]/.test(text) ? 'json' : 'yaml';
}

function parseJson(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) };
  } catch (err) {
    const at = /at position (\d+)/.exec((err as Error).message);
    return { error: `is not valid JSON${at ? ` (${lineAndColumn(text, Number(at[1]))})` : ''}` };
  }
}

function parseYaml(text: string): { value: unknown } | { error: string } {
  const doc = parseDocument(text, { uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const at = first.linePos?.[0];
    return { error: `is not valid YAML: ${first.code}${at ? ` (line ${at.line}, column ${at.col})` : ''}` };
  }
  return { value: doc.toJS({ maxAliasCount: 100 }) };
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}
