/**
 * Publishes the workload (workload.ts) through POST /v1/events, request by request, spread round-robin over the
 * instances the test currently names. A request that fails (instance killed, stopped, 5xx) is sent again, with
 * the same uids, to the next instance: de-duplication makes a late commit of the first attempt harmless.
 */
import { ORGS, PER_REQUEST, traits, workloadEvent } from './workload.ts';

export interface PublishOptions {
  /** Base URLs to publish to, read before every request (a test may drop an instance mid-run). */
  targets(): string[];
  /** A token per organisation (ORGS order). */
  tokens: string[];
  /** Requests to send: event indices [fromRequest * PER_REQUEST, toRequest * PER_REQUEST). */
  fromRequest: number;
  toRequest: number;
  uidPrefix: string;
  concurrency: number;
  /** Per attempt (a SIGSTOPped instance never answers). */
  timeoutMs?: number;
  /** Stop sending new requests once this returns true. */
  stopWhen?(): boolean;
  /** Wait this long after each accepted request (a steady stream instead of a burst). */
  pauseMs?: number;
  /** Called after each request was accepted (202). */
  onAccepted?(request: number): void;
}

export interface PublishReport {
  /** Attempts that failed and were sent again elsewhere. */
  retried: number;
}

export async function publishRequests(opts: PublishOptions): Promise<PublishReport> {
  let next = opts.fromRequest;
  let turn = 0;
  let retried = 0;
  const sendOne = async (request: number) => {
    const org = traits(request * PER_REQUEST).org;
    const body = JSON.stringify(Array.from({ length: PER_REQUEST }, (_, i) => workloadEvent(request * PER_REQUEST + i, opts.uidPrefix)));
    for (let attempt = 1; ; attempt++) {
      const targets = opts.targets();
      const target = targets[turn++ % targets.length];
      const failure = await fetch(`${target}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${opts.tokens[org]}`, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
      }).then(
        async (res) => {
          const text = await res.text();
          if (res.status !== 202) return `HTTP ${res.status} ${text.slice(0, 200)}`;
          const accepted = (JSON.parse(text) as { accepted: number }).accepted;
          return accepted === PER_REQUEST ? undefined : `accepted ${accepted} of ${PER_REQUEST}: ${text.slice(0, 200)}`;
        },
        (err: Error) => err.message,
      );
      if (failure === undefined) return opts.onAccepted?.(request);
      if (attempt >= 20) throw new Error(`request ${request} (${ORGS[org].id}) failed ${attempt} times; last: ${failure}`);
      retried++;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (next < opts.toRequest && !opts.stopWhen?.()) {
        await sendOne(next++);
        if (opts.pauseMs) await new Promise((r) => setTimeout(r, opts.pauseMs));
      }
    }),
  );
  return { retried };
}
