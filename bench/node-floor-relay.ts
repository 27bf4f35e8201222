/**
 * The Node.js floor (`--only floor`): the least a Node.js service can do per event and still do what siemstream
 * must do with every publish request: receive it over HTTP, validate and prepare every event with siemstream's
 * own reader (`readAndPreparePublishBody`, the code the append worker runs), and send the events to the SIEM.
 * Nothing else: no store, no de-duplication, no per-event HEC envelope (the whole body goes as ONE HEC event),
 * no cursors, no fan-out. Run as its own process (forked with tsx, IPC) so its CPU can be read from /proc.
 *
 * `POST /v1/events` (any token) → prepare → `POST <hec>/services/collector/event` with `{"event":<body>}` →
 * `202 {"accepted","rejected"}` once the receiver answered 200. A comparison point, not a product: what its rate
 * and CPU per event show is what siemstream's design can at best approach on the machine (bench/README.md).
 */
import { createServer } from 'node:http';
import { Pool } from 'undici';
import { readAndPreparePublishBody } from '../src/intake/publish-body.ts';

const hec = new URL(`${process.env.FLOOR_HEC_BASE_URL}/services/collector/event`);
const orgId = process.env.FLOOR_ORG_ID!;
const pool = new Pool(hec.origin, { connections: 4, keepAliveTimeout: 60_000 });
const HEADERS = { 'content-type': 'application/json', authorization: 'Splunk bench-token' };
const OPEN = Buffer.from('{"event":');
const CLOSE = Buffer.from('}');

const server = createServer({ keepAliveTimeout: 120_000, requestTimeout: 0 }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    const prepared = readAndPreparePublishBody(body, 'json', { orgId }, Date.now());
    const answer = JSON.stringify({ accepted: prepared.valid.length, rejected: prepared.rejected });
    pool
      .request({ method: 'POST', path: hec.pathname, headers: HEADERS, body: Buffer.concat([OPEN, body, CLOSE]) })
      .then(async (r) => {
        await r.body.text();
        if (r.statusCode !== 200) throw new Error(`receiver answered ${r.statusCode}`);
        res.writeHead(202, { 'content-type': 'application/json' }).end(answer);
      })
      .catch((err: Error) => res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: err.message })));
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send!({ port: typeof address === 'object' && address ? address.port : 0 });
});
process.on('disconnect', () => process.exit(0));
