/**
 * How every connector is instantiated — delivery (per-organisation configs and global connectors), connection
 * tests, previews: with one redactor built from its config (secret-redactor.ts), through which everything the
 * connector says passes — outcomes, rejected-event reasons, test results, thrown errors and its log lines. So a
 * credential a SIEM echoes back in an error answer is hidden before anything derived from that answer is stored
 * (last_error, dead letters), logged or returned (stats, test answers), in one place instead of in each classifier.
 */
import type { Logger } from 'pino';
import { secretRedactor, type SecretRedactor } from './secret-redactor.ts';
import type { ConnectionTestResult, Connector, ConnectorDefinition, ConnectorDeps, DeliveryOutcome } from './types.ts';

const LOG_METHODS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
const MAX_LOG_DEPTH = 5;

/**
 * `def.create(config, deps)` behind the destination's redactor (pass one to share it, as previews do).
 * A create() failure is rethrown redacted.
 */
export function instantiateConnector(
  def: ConnectorDefinition<any>,
  config: Record<string, unknown>,
  deps: ConnectorDeps,
  redactor: SecretRedactor = secretRedactor(def, config),
): Connector {
  let inner: Connector;
  try {
    inner = def.create(config, { ...deps, logger: redactingLogger(deps.logger, redactor), noteSecret: (s) => redactor.add(s) });
  } catch (err) {
    throw new Error(redactor.redact(errorText(err)));
  }
  return redactingConnector(inner, redactor);
}

function redactingConnector(inner: Connector, redactor: SecretRedactor): Connector {
  const rethrow = (err: unknown): never => {
    throw new Error(redactor.redact(errorText(err)));
  };
  return {
    type: inner.type,
    get limits() {
      return inner.limits;
    },
    // The requests to send: they must carry the credentials (previews redact them themselves).
    encode: (events) => inner.encode(events),
    async send(events, opts) {
      try {
        return redactOutcome(await inner.send(events, opts), redactor);
      } catch (err) {
        return rethrow(err);
      }
    },
    async test(event) {
      try {
        return redactTestResult(await inner.test(event), redactor);
      } catch (err) {
        return rethrow(err);
      }
    },
    close: () => inner.close(),
  };
}

export function redactOutcome(outcome: DeliveryOutcome, redactor: SecretRedactor): DeliveryOutcome {
  const message = outcome.message === undefined ? undefined : redactor.redact(outcome.message);
  if (outcome.kind === 'partial') {
    return { ...outcome, message, rejected: outcome.rejected.map((r) => ({ index: r.index, reason: redactor.redact(r.reason) })) };
  }
  return { ...outcome, message } as DeliveryOutcome;
}

function redactTestResult(result: ConnectionTestResult, redactor: SecretRedactor): ConnectionTestResult {
  return { ...result, message: redactor.redact(result.message) };
}

/** The connector's logger, with every string of a log call (message, fields, errors) redacted. */
function redactingLogger(logger: Logger, redactor: SecretRedactor): Logger {
  return new Proxy(logger, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      if (prop === 'child') {
        return (...args: unknown[]) => redactingLogger((value as (...a: unknown[]) => Logger).apply(target, args), redactor);
      }
      if (typeof prop === 'string' && LOG_METHODS.has(prop)) {
        return (...args: unknown[]) => (value as (...a: unknown[]) => void).apply(target, args.map((a) => redactValue(a, redactor, 0)));
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
}

function redactValue(value: unknown, redactor: SecretRedactor, depth: number): unknown {
  if (typeof value === 'string') return redactor.redact(value);
  if (value instanceof Error) {
    const copy = new Error(redactor.redact(value.message));
    copy.name = value.name;
    copy.stack = value.stack === undefined ? undefined : redactor.redact(value.stack);
    return copy;
  }
  if (value === null || typeof value !== 'object' || depth >= MAX_LOG_DEPTH) return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, redactor, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactValue(v, redactor, depth + 1);
  return out;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
