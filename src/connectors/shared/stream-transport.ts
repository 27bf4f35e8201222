/**
 * The egress-guarded byte-stream transport (syslog over TCP/TLS). Connects to the address the guard pinned;
 * for TLS, SNI and certificate name checks use the configured hostname. Plain TCP only where allowed.
 * `timeoutMs` bounds resolution + connect + TLS handshake.
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { EgressGuard } from '../../security/egress-guard.ts';
import { TransportError, type StreamTransport } from './types.ts';
import { toTransportError } from './transport-errors.ts';

const DEFAULT_TIMEOUT_MS = 10_000;

export function createStreamTransport(opts: { egress: EgressGuard }): StreamTransport {
  return {
    connect({ host, port, tls, verifySsl, timeoutMs = DEFAULT_TIMEOUT_MS }) {
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        return Promise.reject(new TransportError('invalid_url', `invalid port ${port}`));
      }
      const target = `${host}:${port}`;
      const name = host.startsWith('[') ? host.slice(1, -1) : host;
      return new Promise<Socket>((resolve, reject) => {
        let socket: Socket | undefined;
        let settled = false;
        const fail = (err: TransportError) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          socket?.destroy();
          reject(err);
        };
        const timer = setTimeout(
          () => fail(new TransportError('timeout', `connection to ${target} timed out after ${timeoutMs} ms`)),
          timeoutMs,
        );
        opts.egress.resolve(host, { port, plaintext: !tls }).then((pinned) => {
          if (settled) return;
          socket = tls
            ? tlsConnect({
                host: pinned.address,
                port,
                // SNI may not be an IP literal; for IP targets Node checks the certificate against `host`.
                servername: isIP(name) ? undefined : name,
                rejectUnauthorized: verifySsl !== false,
              })
            : netConnect({ host: pinned.address, port });
          const onError = (err: Error) => fail(toTransportError(err, target, timeoutMs));
          socket.once('error', onError);
          socket.once(tls ? 'secureConnect' : 'connect', () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            socket!.off('error', onError);
            resolve(socket!);
          });
        }, (err: unknown) => fail(toTransportError(err, target, timeoutMs)));
      });
    },
  };
}
