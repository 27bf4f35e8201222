/**
 * Secret fields of a connector config (its definition's `secretFields`) are stored as ciphertexts bound to
 * `<config id>:<field>` (AAD), so a ciphertext moved to another row or field does not decrypt.
 *
 * Every value given for a secret field is encrypted, whatever its text looks like: what is ciphertext is known
 * from where it is stored (a secret field of a stored config), never guessed from the text, so a user cannot
 * plant text that the store would later take for its own ciphertext. A stored value that does not decrypt makes
 * only that field unavailable (reported with the config), never the config or the organisation's listing.
 */
import type { ConnectorDefinition } from '../connectors/shared/types.ts';
import { SecretBoxError, type SecretBox } from '../security/secret-box.ts';

const aad = (configId: string, field: string) => `${configId}:${field}`;

/** A stored secret that cannot be decrypted; `reason` never holds secret material. */
export interface UnavailableSecret {
  field: string;
  reason: string;
}

/** A stored config with its secrets decrypted; the fields that could not be are left out and listed. */
export interface OpenedConfig {
  config: Record<string, unknown>;
  unavailable: UnavailableSecret[];
}

export function encryptSecrets(
  def: ConnectorDefinition<any>,
  configId: string,
  config: Record<string, unknown>,
  box: SecretBox,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  for (const field of def.secretFields) {
    const v = out[field];
    if (typeof v === 'string') out[field] = box.encrypt(v, aad(configId, field));
  }
  return out;
}

export function decryptSecrets(
  def: ConnectorDefinition<any>,
  configId: string,
  stored: Record<string, unknown>,
  box: SecretBox,
): OpenedConfig {
  const config: Record<string, unknown> = { ...stored };
  const unavailable: UnavailableSecret[] = [];
  for (const field of def.secretFields) {
    if (!(field in stored)) continue;
    const opened = openSecret(box, configId, field, stored[field]);
    if ('value' in opened) config[field] = opened.value;
    else {
      delete config[field];
      unavailable.push({ field, reason: opened.reason });
    }
  }
  return { config, unavailable };
}

/**
 * Re-encrypts every secret field under the box's current key and format. `config` is undefined when nothing
 * changed; `failed` lists the fields that could not be decrypted (left as they are).
 */
export function reencryptSecrets(
  def: ConnectorDefinition<any>,
  configId: string,
  stored: Record<string, unknown>,
  box: SecretBox,
): { config?: Record<string, unknown>; failed: UnavailableSecret[] } {
  let changed = false;
  const out: Record<string, unknown> = { ...stored };
  const failed: UnavailableSecret[] = [];
  for (const field of def.secretFields) {
    if (!(field in stored)) continue;
    const v = stored[field];
    if (typeof v === 'string' && box.isCurrent(v)) continue;
    const opened = openSecret(box, configId, field, v);
    if ('reason' in opened) {
      failed.push({ field, reason: opened.reason });
      continue;
    }
    out[field] = box.encrypt(opened.value, aad(configId, field));
    changed = true;
  }
  return changed ? { config: out, failed } : { failed };
}

/** "the stored secret cannot be decrypted (…); give it again" */
export function unavailableMessage(u: UnavailableSecret): string {
  return `the stored secret cannot be decrypted (${u.reason}); give it again`;
}

/** "token: the stored secret cannot be decrypted (…); give it again" */
export function describeUnavailable(u: UnavailableSecret): string {
  return `${u.field}: ${unavailableMessage(u)}`;
}

function openSecret(box: SecretBox, configId: string, field: string, stored: unknown): { value: string } | { reason: string } {
  if (typeof stored !== 'string') return { reason: 'the stored value is not a ciphertext' };
  try {
    return { value: box.decrypt(stored, aad(configId, field)) };
  } catch (err) {
    if (!(err instanceof SecretBoxError)) throw err;
    switch (err.reason) {
      case 'unknown_kid':
        return { reason: `encrypted under key "${err.kid}", which is not in SIEM_ENCRYPTION_KEYS` };
      case 'auth_failed':
        return { reason: 'the ciphertext was altered, or copied from another config or field' };
      default:
        return { reason: 'the stored value is not a ciphertext' };
    }
  }
}

/** `SIEM_REVEAL_SECRETS=false`: secrets shown as `****` + their last 4 characters (nothing for short ones). */
export function maskSecrets(def: ConnectorDefinition<any>, config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  for (const field of def.secretFields) {
    const v = out[field];
    if (typeof v === 'string') out[field] = maskSecret(v);
  }
  return out;
}

export function maskSecret(value: string): string {
  return value.length >= 12 ? `****${value.slice(-4)}` : '****';
}

/** Text of the masked form (`****` and at most 4 more characters): a placeholder, never a secret to store. */
export function looksMasked(value: unknown): boolean {
  return typeof value === 'string' && /^\*{4}[\s\S]{0,4}$/.test(value);
}

/** Non-secret fields only (registry `config_summary`, logs). */
export function withoutSecrets(def: ConnectorDefinition<any>, config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) if (!def.secretFields.includes(k)) out[k] = v;
  return out;
}
