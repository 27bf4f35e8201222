/**
 * A loopback Splunk HEC for the console's tests: checks `Authorization: Splunk <token>`, counts the events of
 * each request (gzip or not), and answers as the mode says — `ok` (code 0), `reject` (400 code 7, "Incorrect
 * index": every event dead-lettered) or `down` (503).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';

export type HecMode = 'ok' | 'reject' | 'down';

export interface HecReceiver {
  readonly url: string;
  mode: HecMode;
  token: string;
  /** Events accepted (code 0) so far. */
  accepted(): number;
  /** Every Authorization header seen. */
  authorizations(): string[];
  close(): Promise<void>;
}

export async function startHecReceiver(token: string): Promise<HecReceiver> {
  let accepted = 0;
  const auths: string[] = [];
  const sockets = new Set<Socket>();
  const receiver: HecReceiver = {
    url: '',
    mode: 'ok',
    token,
    accepted: () => accepted,
    authorizations: () => [...auths],
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const answer = (res: ServerResponse, status: number, body: object) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      auths.push(String(req.headers.authorization ?? ''));
      if (req.headers.authorization !== `Splunk ${receiver.token}`) return answer(res, 403, { text: 'Invalid token', code: 4 });
      if (receiver.mode === 'down') return answer(res, 503, { text: 'Server is busy', code: 9 });
      if (receiver.mode === 'reject') return answer(res, 400, { text: 'Incorrect index', code: 7, 'invalid-event-number': 1 });
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      // One HEC envelope per line.
      const events = body.toString('utf8').split('\n').filter((line) => line.trim() !== '').length;
      accepted += events;
      answer(res, 200, { text: 'Success', code: 0 });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (receiver as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}
