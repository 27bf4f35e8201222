/**
 * Secret fields of a connector config (its definition's `secretFields`) are stored as ciphertexts bound to
 * `<config id>:<field>` (AAD), so a ciphertext moved to another row or field does not decrypt.
 */
import type { ConnectorDefinition } from '../connectors/shared/types.ts';
import { isCiphertext, type SecretBox } from '../security/secret-box.ts';

const aad = (configId: string, field: string) => `${configId}:${field}`;

export function encryptSecrets(
  def: ConnectorDefinition<any>,
  configId: string,
  config: Record<string, unknown>,
  box: SecretBox,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  for (const field of def.secretFields) {
    const v = out[field];
    if (typeof v === 'string' && !isCiphertext(v)) out[field] = box.encrypt(v, aad(configId, field));
  }
  return out;
}

export function decryptSecrets(
  def: ConnectorDefinition<any>,
  configId: string,
  stored: Record<string, unknown>,
  box: SecretBox,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...stored };
  for (const field of def.secretFields) {
    const v = out[field];
    if (typeof v === 'string' && isCiphertext(v)) out[field] = box.decrypt(v, aad(configId, field));
  }
  return out;
}

/** Re-encrypts every secret field under the box's current key; returns undefined when nothing changed. */
export function reencryptSecrets(
  def: ConnectorDefinition<any>,
  configId: string,
  stored: Record<string, unknown>,
  box: SecretBox,
): Record<string, unknown> | undefined {
  let changed = false;
  const out: Record<string, unknown> = { ...stored };
  for (const field of def.secretFields) {
    const v = out[field];
    if (typeof v === 'string' && isCiphertext(v) && !box.isCurrent(v)) {
      out[field] = box.encrypt(box.decrypt(v, aad(configId, field)), aad(configId, field));
      changed = true;
    }
  }
  return changed ? out : undefined;
}

/** `SIEM_REVEAL_SECRETS=false`: secrets shown as `****` + their last 4 characters (nothing for short ones). */
export function maskSecrets(def: ConnectorDefinition<any>, config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  for (const field of def.secretFields) {
    const v = out[field];
    if (typeof v === 'string') out[field] = v.length >= 12 ? `****${v.slice(-4)}` : '****';
  }
  return out;
}

/** Non-secret fields only (registry `config_summary`, logs). */
export function withoutSecrets(def: ConnectorDefinition<any>, config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) if (!def.secretFields.includes(k)) out[k] = v;
  return out;
}
