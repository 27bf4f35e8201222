/**
 * RFC 5424 framing for syslog delivery (protocols.md §7.1–7.2), pure:
 *
 *   <PRI>1 TIMESTAMP siemstream siemstream - - - LEEF:2.0|…\n
 *
 * - Framing: one message per line, LF-terminated (non-transparent framing, what QRadar's TCP syslog and TLS syslog
 *   listeners split on). The LEEF line never contains CR/LF (leef.ts), so a message cannot spill into the next.
 * - PRI = facility 13 (log audit) × 8 + a syslog severity mapped from OCSF severity_id (SYSLOG_SEVERITY).
 * - TIMESTAMP: the event's own time, `yyyy-MM-ddTHH:mm:ss.SSSZ` (the form IBM documents for LEEF over RFC 5424);
 *   `-` (NILVALUE) when the time is unusable.
 * - HOSTNAME is the constant `siemstream`, not the machine name: QRadar binds events to a log source by this
 *   hostname (its Log Source Identifier), and several siemstream instances, or a redeployed one, must keep feeding
 *   the same log source. APP-NAME `siemstream`; PROCID, MSGID and STRUCTURED-DATA are NILVALUE.
 */
import type { DeliveryEvent } from '../shared/types.ts';

export const SYSLOG_HOSTNAME = 'siemstream';
export const SYSLOG_APP_NAME = 'siemstream';
const FACILITY_LOG_AUDIT = 13;

/** OCSF severity_id → syslog severity (0 emergency … 7 debug). Unknown / Other / anything else → 5 notice. */
export const SYSLOG_SEVERITY: Readonly<Record<number, number>> = { 1: 6, 2: 5, 3: 4, 4: 3, 5: 2, 6: 1 };

export function syslogPri(severityId: number): number {
  return FACILITY_LOG_AUDIT * 8 + (SYSLOG_SEVERITY[severityId] ?? 5);
}

export function syslogTimestamp(ms: number): string {
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  return Number.isFinite(ms) && year >= 0 && year <= 9999 ? d.toISOString() : '-';
}

/** One framed syslog message for `leef` (the event's LEEF line), newline included. */
export function syslogMessage(event: DeliveryEvent, leef: string): string {
  return `<${syslogPri(event.severityId)}>1 ${syslogTimestamp(event.time)} ${SYSLOG_HOSTNAME} ${SYSLOG_APP_NAME} - - - ${leef}\n`;
}
