/**
 * What every connector's test folder provides so one compliance suite (test/connectors/compliance.test.ts)
 * can run every connector against its own strict mock receiver.
 */
import type { ConnectorType } from '../../../src/connectors/shared/types.ts';

/** A local, strict imitation of one SIEM's ingestion endpoint (protocols.md), listening on 127.0.0.1. */
export interface MockReceiver {
  /** Base URL (http/https) or `host:port` for stream receivers. */
  readonly url: string;
  /** Every OCSF event accepted so far, decoded back from the wire, in arrival order. */
  events(): Record<string, unknown>[];
  /** Number of data requests (or stream lines) received, accepted or not. */
  requestCount(): number;
  /**
   * Fault injection: answer the next `times` data requests as the real SIEM does for that outcome class
   * ('retry' = 503/429 with Retry-After, 'auth' = 401/403, 'permanent' = 400, 'too-large' = 413).
   */
  failNext(kind: 'retry' | 'auth' | 'permanent' | 'too-large', times?: number): void;
  close(): Promise<void>;
}

export interface ComplianceFixture {
  type: ConnectorType;
  /** Which outcome classes the mock can inject (stream-only SIEMs cannot answer 413, say). */
  injectable: ReadonlyArray<'retry' | 'auth' | 'permanent' | 'too-large'>;
  /** Whether the connector has a gzip on/off switch. */
  supportsGzip: boolean;
  /**
   * Headers whose value legitimately differs between two encode() calls with the same input and clock
   * (e.g. a random nonce); the purity check ignores them. Omit when encode() is fully deterministic.
   */
  volatileHeaders?: readonly string[];
  /** Starts a receiver and returns a valid connector config pointing at it. */
  start(opts: { gzip: boolean }): Promise<{ receiver: MockReceiver; config: Record<string, unknown> }>;
}
