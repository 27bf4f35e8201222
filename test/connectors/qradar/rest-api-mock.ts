/**
 * The slice of the QRadar REST API the connection test uses (protocols.md §7.3): HTTPS, the `SEC` header (a
 * `Authorization: Bearer` is as good as nothing), `Version` and `Accept: application/json` required, and
 * `GET /api/config/event_sources/log_source_management/log_sources/{id}` answering QRadar-shaped JSON.
 */
import type { ServerResponse } from 'node:http';
import { startLoopbackServer, type RecordedRequest } from '../shared/loopback-server.ts';
import { mockCertificate } from './mock-receiver.ts';

export interface QradarApiMock {
  /** https://127.0.0.1:<port> — the console origin to use as `host`. */
  url: string;
  requests(): RecordedRequest[];
  close(): Promise<void>;
}

const LOG_SOURCE_PATH = /^\/api\/config\/event_sources\/log_source_management\/log_sources\/(\d+)$/;

export async function startQradarApiMock(opts: { token: string; logSources: Record<number, string> }): Promise<QradarApiMock> {
  const server = await startLoopbackServer(
    (req, res) => {
      if (req.headers.sec === undefined) {
        return error(res, 401, 22, 'No SEC header present in request. Please provide it and try again.');
      }
      if (req.headers.sec !== opts.token) return error(res, 401, 22, 'You are unauthorized to access the requested resource.');
      if (!req.headers.version) return error(res, 422, 1005, 'A Version header is required');
      if (req.headers.accept !== 'application/json') return error(res, 406, 1008, 'Accept must be application/json');
      const m = LOG_SOURCE_PATH.exec(req.url);
      if (!m) return error(res, 404, 1001, 'No resource found');
      if (req.method !== 'GET') return error(res, 405, 1010, 'Method not allowed');
      const id = Number(m[1]);
      const name = opts.logSources[id];
      if (name === undefined) return error(res, 404, 1002, `No log source found with id ${id}`);
      send(res, 200, { id, name, type_id: 4, enabled: true, protocol_type_id: 0 });
    },
    { tls: mockCertificate() },
  );
  return {
    url: `https://127.0.0.1:${server.port}`,
    requests: () => [...server.requests],
    close: () => server.close(),
  };
}

function error(res: ServerResponse, status: number, code: number, message: string): void {
  send(res, status, { http_response: { code: status, message: statusMessage(status) }, code, message, description: '', details: {} });
}

function statusMessage(status: number): string {
  return status === 401 ? 'You are unauthorized to access the requested resource.' : 'Request failed';
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}
