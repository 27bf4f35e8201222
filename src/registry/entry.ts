/**
 * One global connector entry `{connector_id, display_name, connector_type, config}`, checked the way every
 * config is (connector schema + validate()). An entry with issues is kept, as `not_configured`, so the
 * operator sees it in the registry API; issues name fields, never values.
 */
import { isConnectorType } from '../connectors/catalog.ts';
import type { ValidationIssue } from '../errors.ts';
import { validateConnectorConfig } from '../siem-configs/validation.ts';
import { substituteEnv } from './env-substitution.ts';

export interface GlobalConnectorInput {
  /** URL-safe id used by `POST /api/admin/siem/test/{connector_id}`. */
  connector_id: string;
  display_name: string;
  /** A `connector_type` of SPEC §3 (e.g. `splunk_hec`). */
  connector_type: string;
  config: Record<string, unknown>;
}

export interface CheckedEntry {
  connectorId: string;
  displayName: string;
  connectorType: string;
  /** As given (after `${VAR}` substitution when asked); secrets in plaintext, in memory only. */
  config: Record<string, unknown>;
  /** Empty when the connector can be instantiated. */
  issues: ValidationIssue[];
}

export const CONNECTOR_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const ENTRY_KEYS = new Set(['connector_id', 'display_name', 'connector_type', 'config']);

export interface CheckEntryOptions {
  /** Location prefix of issues, e.g. ['connectors', 2] for the third entry of a file. */
  loc: (string | number)[];
  /** Id to list the entry under when its own connector_id is missing or unusable. */
  fallbackId: string;
  /** Environment for `${VAR}` substitution in config values; omitted = no substitution. */
  env?: NodeJS.ProcessEnv;
}

export function checkEntry(raw: unknown, opts: CheckEntryOptions): CheckedEntry {
  const { loc } = opts;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return {
      connectorId: opts.fallbackId,
      displayName: opts.fallbackId,
      connectorType: '',
      config: {},
      issues: [{ loc, msg: 'Input should be a valid dictionary', type: 'dict_type' }],
    };
  }
  const entry = raw as Record<string, unknown>;
  const issues: ValidationIssue[] = [];
  for (const key of Object.keys(entry)) {
    if (!ENTRY_KEYS.has(key)) issues.push({ loc: [...loc, key], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' });
  }

  const idOk = typeof entry.connector_id === 'string' && CONNECTOR_ID_PATTERN.test(entry.connector_id);
  if (!idOk) issues.push(requiredString(entry.connector_id, [...loc, 'connector_id'], 'letters, digits, ".", "_" or "-" (at most 128)'));
  const connectorId = idOk ? (entry.connector_id as string) : opts.fallbackId;

  const nameOk = typeof entry.display_name === 'string' && entry.display_name.trim() !== '' && entry.display_name.length <= 200;
  if (!nameOk) issues.push(requiredString(entry.display_name, [...loc, 'display_name'], 'a non-empty name of at most 200 characters'));
  const displayName = nameOk ? (entry.display_name as string) : connectorId;

  let config = isPlainObject(entry.config) ? entry.config : {};
  if (opts.env && isPlainObject(entry.config)) {
    const substituted = substituteEnv(entry.config, opts.env);
    config = substituted.value;
    for (const p of substituted.problems) issues.push({ loc: [...loc, 'config', ...p.path], msg: p.message, type: 'env_missing' });
  }
  if (entry.config === undefined) issues.push({ loc: [...loc, 'config'], msg: 'Field required', type: 'missing' });
  // With unresolved `${VAR}`s, schema errors on the raw text would only add noise: check the type alone.
  if (entry.config === undefined || issues.some((i) => i.type === 'env_missing')) {
    if (!isConnectorType(entry.connector_type)) issues.push(...validateConnectorConfig(entry.connector_type, {}, loc));
  } else {
    issues.push(...validateConnectorConfig(entry.connector_type, isPlainObject(entry.config) ? config : entry.config, loc));
  }

  return {
    connectorId,
    displayName,
    connectorType: typeof entry.connector_type === 'string' ? entry.connector_type : '',
    config,
    issues,
  };
}

/** "connectors.2.config.token: environment variable SPLUNK_TOKEN is not set; …" (first five issues). */
export function describeEntryIssues(issues: ValidationIssue[]): string {
  const shown = issues.slice(0, 5).map((i) => `${i.loc.join('.') || 'entry'}: ${i.msg}`);
  return issues.length > 5 ? `${shown.join('; ')}; and ${issues.length - 5} more` : shown.join('; ');
}

function requiredString(value: unknown, loc: (string | number)[], expected: string): ValidationIssue {
  if (value === undefined || value === null) return { loc, msg: 'Field required', type: 'missing' };
  return { loc, msg: `Input should be ${expected}`, type: 'value_error' };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
