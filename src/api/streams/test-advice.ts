/**
 * What a connection test's answer means for the admin, and what to do about it: a wrong credential, a target
 * siemstream refuses to reach (private address, plain http), one it cannot reach, a SIEM that refused the
 * event, or one that is busy. Read from the test's status and message, which name the cause.
 */
export type AdviceKind =
  | 'ok'
  | 'credentials'
  | 'egress_refused'
  | 'unreachable'
  | 'tls'
  | 'timeout'
  | 'not_found'
  | 'rejected'
  | 'busy'
  | 'unknown';

export interface TestAdvice {
  kind: AdviceKind;
  advice: string;
}

export function adviseOnTest(result: { success: boolean; status?: number; message: string }): TestAdvice {
  const { status } = result;
  const text = result.message.toLowerCase();
  if (result.success) return { kind: 'ok', advice: 'The SIEM accepted the test event: events will be delivered.' };
  if (text.includes('refused egress') || text.includes('egress')) {
    return {
      kind: 'egress_refused',
      advice:
        'siemstream refused to connect: the target is a private, loopback or link-local address, or uses plain http. ' +
        'Use the SIEM\'s public https address, or ask the operator to allow this target (SIEM_EGRESS_ALLOW).',
    };
  }
  const mentionsCredentials = /\b(token|credential|api key|unauthori[sz]ed|forbidden)\b/.test(text);
  if (status === 401 || status === 403 || (mentionsCredentials && status !== undefined && status < 500)) {
    return { kind: 'credentials', advice: 'The SIEM rejected the credentials: replace the token / API key with a valid one that may write to this destination.' };
  }
  if (/certificate|tls|ssl|self.signed/.test(text) && status === undefined) {
    return { kind: 'tls', advice: 'The TLS handshake failed: check that the certificate is valid for this host (or, for a test system only, turn off verify_ssl).' };
  }
  if (/timed? ?out|timeout/.test(text) && status === undefined) {
    return { kind: 'timeout', advice: 'The SIEM did not answer in time: check that the host and port are right and that a firewall lets siemstream through, or raise timeout_ms.' };
  }
  if (status === undefined) {
    return {
      kind: 'unreachable',
      advice: 'The SIEM could not be reached (no HTTP answer): check the host name, the port and that the service is listening and reachable from siemstream.',
    };
  }
  if (status === 404) return { kind: 'not_found', advice: 'The SIEM answered 404: the URL\'s path is wrong for this connector; use the base URL its documentation gives.' };
  if (status === 429 || status >= 500) return { kind: 'busy', advice: `The SIEM is unavailable or busy (HTTP ${status}); siemstream retries deliveries. Test again later.` };
  if (status >= 400) return { kind: 'rejected', advice: `The SIEM refused the event (HTTP ${status}): check the fields it names (index, source type, data stream, …).` };
  return { kind: 'unknown', advice: 'Unexpected answer: see the message.' };
}
