/** Messages between the orchestrator and the HEC receiver child (Node IPC, structured clone). */

export type ReceiverCommand =
  /** Start a measurement: forget everything, expect seqs [0, total) tagged `marker`, on these path prefixes. */
  | { type: 'reset'; marker: string; total: number; destinations: string[] }
  /** up: 200 Success. down: 503 code 9 "Server is busy" with Retry-After (a SIEM in maintenance). */
  | { type: 'mode'; mode: 'up' | 'down'; retryAfterSec?: number }
  | { type: 'progress' }
  /**
   * Delivery latency per destination: receipt time of each seq minus the publish time of its request
   * (`sentAt[floor(seq / perRequest)]`, epoch ms), over seqs in [fromSeq, toSeq).
   */
  | { type: 'latency'; sentAt: number[]; perRequest: number; fromSeq?: number; toSeq?: number };

export interface DestinationProgress {
  name: string;
  /** Distinct seqs received. */
  unique: number;
  /** Events received again (at-least-once redeliveries). */
  duplicates: number;
  /** Epoch ms of the first and the latest first-time receipt (0 when none). */
  firstAt: number;
  lastAt: number;
}

export interface ReceiverProgress {
  type: 'progress';
  destinations: DestinationProgress[];
  requests: number;
  /** Requests answered 503 while down. */
  refused: number;
  /** Events with our marker but a seq outside [0, total), or bodies we could not read. */
  foreign: number;
  bytes: number;
}

export interface LatencySummary {
  name: string;
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export type ReceiverReply =
  | { type: 'ready'; port: number }
  | { type: 'ack' }
  | ReceiverProgress
  | { type: 'latency'; destinations: LatencySummary[] };
