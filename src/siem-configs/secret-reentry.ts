/**
 * What a config sent for a create or update says about each secret field, and the re-entry rule: a stored
 * secret is kept only while the config still sends it where it went. Changing a destination field (the
 * connector definition's `destinationFields`: URL, host, site, tenant, port, transport, verify_ssl) requires
 * every secret the config keeps to be given again in the same request — otherwise an admin could point a stored
 * credential at a host of their own and have a connection test hand it over.
 *
 * For each secret field, the config sent (by either surface) holds:
 * - a string: the new secret, stored encrypted as given (whatever it looks like);
 * - nothing, or the masked form shown for the stored value (`****abcd`, SIEM_REVEAL_SECRETS=false): keep the
 *   stored secret — refused when a destination field changes, or when the stored one cannot be decrypted;
 * - null: remove it.
 * Any other masked-looking text is refused: a placeholder is never stored as a secret.
 */
import type { ConnectorDefinition } from '../connectors/shared/types.ts';
import type { ValidationIssue } from '../errors.ts';
import { looksMasked, maskSecret, unavailableMessage, type OpenedConfig } from './secrets.ts';

export const KEPT_ONLY_WHILE = 'a stored secret is only kept while requests go where they went';

export interface ResolvedSecrets {
  /** The config to validate and store: kept secrets filled in (plaintext), removed ones gone. */
  config: Record<string, unknown>;
  /** Secret fields kept because they were omitted (not because the masked value was sent). */
  keptByOmission: string[];
  issues: ValidationIssue[];
}

/**
 * `stored`: the current config, decrypted (undefined for a create or a connector_type change: nothing to keep).
 * Issue locations are `['body', 'config', field]`.
 */
export function resolveSecrets(def: ConnectorDefinition<any>, stored: OpenedConfig | undefined, sent: Record<string, unknown>): ResolvedSecrets {
  const config: Record<string, unknown> = { ...sent };
  const kept: string[] = [];
  const keptByOmission: string[] = [];
  const issues: ValidationIssue[] = [];
  const issue = (field: string, msg: string, type: string) => issues.push({ loc: ['body', 'config', field], msg, type });

  for (const field of def.secretFields) {
    const value = sent[field];
    const current = stored?.config[field];
    const unavailable = stored?.unavailable.find((u) => u.field === field);
    if (value === null) {
      delete config[field];
    } else if (value === undefined || (typeof current === 'string' && value === maskSecret(current)) || (unavailable && looksMasked(value))) {
      if (typeof current === 'string') {
        config[field] = current;
        kept.push(field);
        if (value === undefined) keptByOmission.push(field);
      } else if (unavailable) {
        issue(field, `${unavailableMessage(unavailable)}, or send null to remove it`, 'secret_unavailable');
      } else if (value !== undefined) {
        issue(field, 'Input is a masked placeholder and no secret is stored to keep; give the secret itself', 'value_error');
      }
    } else if (looksMasked(value)) {
      issue(field, 'Input looks like a masked placeholder (****…) but not the one shown for the stored secret; give the secret itself', 'value_error');
    }
  }

  if (stored && kept.length > 0) {
    const changed = def.destinationFields.filter((f) => JSON.stringify(stored.config[f]) !== JSON.stringify(config[f]));
    if (changed.length > 0) {
      for (const field of kept) {
        issue(
          field,
          `Must be given again when the destination changes (${changed.join(', ')} changed): ${KEPT_ONLY_WHILE}`,
          'secret_required',
        );
      }
    }
  }
  return { config, keptByOmission, issues };
}

/**
 * Validation issues of a config whose omitted secrets were kept, made clear where keeping caused them (e.g. a
 * kept Elasticsearch password next to a new api_key): `withoutKept` are the issues of the same config without
 * those secrets.
 */
export function explainKeptSecrets(issues: ValidationIssue[], withoutKept: ValidationIssue[], keptByOmission: readonly string[]): ValidationIssue[] {
  if (keptByOmission.length === 0) return issues;
  const key = (i: ValidationIssue) => `${JSON.stringify(i.loc)} ${i.msg}`;
  const alsoWithout = new Set(withoutKept.map(key));
  const hint = `${keptByOmission.join(', ')} ${keptByOmission.length === 1 ? 'was' : 'were'} kept from the stored config because omitted; send null to remove`;
  return issues.map((i) => (alsoWithout.has(key(i)) ? i : { ...i, msg: `${i.msg} (${hint})` }));
}
