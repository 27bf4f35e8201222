/**
 * A lean receiver for the scale-out tests: one HTTP endpoint per destination (`/d/<n>`), fed by the generic HTTP
 * connector (JSON array bodies). Hundreds of thousands of deliveries must not cost the test process a JSON parse
 * each, so it scans the body text for the run's uid marker (`"uid":"<prefix><index>"`, see workload.ts) and
 * counts receipts per event index in a typed array: unique deliveries and duplicates per destination, exactly.
 * Strict about the request: POST, JSON content type, a JSON array body. Records each request's arrival time.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface DestinationReceipts {
  /** Receipts per event index (0: never, 2+: duplicates). */
  counts: Uint8Array;
  unique: number;
  duplicates: number;
  /** When each request carrying at least one event of the run had fully arrived (ms). */
  arrivals: number[];
}

export interface UidReceiver {
  url(destination: number): string;
  receipts(destination: number): DestinationReceipts;
  /** Requests refused as malformed (must stay 0). */
  malformed(): string[];
  /** Every request is answered after this many ms (a slow SIEM). */
  delayMs: number;
  close(): Promise<void>;
}

export async function startUidReceiver(opts: { destinations: number; events: number; uidPrefix: string }): Promise<UidReceiver> {
  const marker = `"uid":"${opts.uidPrefix}`;
  const table: DestinationReceipts[] = Array.from({ length: opts.destinations }, () => ({
    counts: new Uint8Array(opts.events),
    unique: 0,
    duplicates: 0,
    arrivals: [],
  }));
  const malformed: string[] = [];
  const sockets = new Set<Socket>();

  const receiver: UidReceiver = {
    url: (d) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/d/${d}`,
    receipts: (d) => table[d],
    malformed: () => [...malformed],
    delayMs: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };

  const refuse = (res: ServerResponse, why: string) => {
    malformed.push(why);
    res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: why }));
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const match = /^\/d\/(\d+)$/.exec(req.url ?? '');
      const d = match ? Number(match[1]) : -1;
      if (req.method !== 'POST' || d < 0 || d >= table.length) return refuse(res, `unexpected ${req.method} ${req.url}`);
      if (req.headers['content-type'] !== 'application/json') return refuse(res, `content-type ${req.headers['content-type']}`);
      const body = Buffer.concat(chunks).toString('utf8');
      if (!body.startsWith('[') || !body.endsWith(']')) return refuse(res, 'body is not a JSON array');
      const arrivedAt = Date.now();
      const answer = () => {
        // Counted only when acknowledged: what the SIEM accepted.
        record(table[d], body, arrivedAt);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      };
      if (receiver.delayMs > 0) setTimeout(answer, receiver.delayMs);
      else answer();
    });
  });

  function record(r: DestinationReceipts, body: string, arrivedAt: number): void {
    let found = false;
    for (let at = body.indexOf(marker); at !== -1; at = body.indexOf(marker, at + marker.length)) {
      const start = at + marker.length;
      const end = body.indexOf('"', start);
      const index = Number(body.slice(start, end));
      if (!Number.isInteger(index) || index < 0 || index >= r.counts.length) continue;
      found = true;
      const seen = r.counts[index];
      if (seen === 0) r.unique++;
      else r.duplicates++;
      if (seen < 255) r.counts[index] = seen + 1;
    }
    if (found) r.arrivals.push(arrivedAt);
  }

  server.keepAliveTimeout = 30_000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return receiver;
}
