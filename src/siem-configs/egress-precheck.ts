/**
 * What the egress policy will make of a config's targets, asked when a config is saved, so an admin learns it
 * then rather than from the first failed delivery:
 * - refused for certain → a 422 naming the field: an IP literal in a refused range, a name that resolves only to
 *   refused addresses, plain http/tcp to a target that is not allowed;
 * - doubtful → a warning, and the config is saved: the name does not resolve (now, or within the DNS timeout),
 *   or only some of its addresses are refused (the answer may change, and the guard refuses while it does).
 * Bounded: every target is resolved at once, each lookup for at most `dnsTimeoutMs`.
 */
import type { ConnectorDefinition } from '../connectors/shared/types.ts';
import type { ValidationIssue } from '../errors.ts';
import type { EgressGuard } from '../security/egress-guard.ts';
import { egressTargets } from './egress-targets.ts';

/** Long enough for a slow resolver, short enough for an API answer. */
export const EGRESS_PRECHECK_DNS_TIMEOUT_MS = 2000;

export interface EgressPrecheck {
  issues: ValidationIssue[];
  warnings: string[];
}

export async function precheckEgress(
  guard: EgressGuard,
  def: ConnectorDefinition<any>,
  config: Record<string, unknown>,
  dnsTimeoutMs = EGRESS_PRECHECK_DNS_TIMEOUT_MS,
): Promise<EgressPrecheck> {
  const targets = egressTargets(def, config);
  const checks = await Promise.all(targets.map((t) => guard.check(t.host, { port: t.port, plaintext: t.plaintext, timeoutMs: dnsTimeoutMs })));
  const result: EgressPrecheck = { issues: [], warnings: [] };
  checks.forEach((check, i) => {
    const { field } = targets[i];
    if (check.dnsError !== undefined) {
      result.warnings.push(`config.${field}: ${check.dnsError}; saved anyway, but nothing is delivered until it resolves`);
      return;
    }
    if (check.refused.length === 0) return;
    const plaintextOnly = check.refused.every((r) => r.rule === 'plain http/tcp without TLS');
    if (check.literal || plaintextOnly || check.refused.length === check.addresses.length) {
      result.issues.push({ loc: ['body', 'config', field], msg: `The egress policy refuses this target: ${check.refused[0].message}`, type: 'egress_refused' });
      return;
    }
    const refused = check.refused.map((r) => `${r.address} (${r.rule})`).join(', ');
    result.warnings.push(
      `config.${field}: ${check.host} also resolves to ${refused}, which the egress policy refuses: deliveries fail while it does; set SIEM_EGRESS_ALLOW to allow it`,
    );
  });
  return result;
}
