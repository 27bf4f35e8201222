/** Minimal typing of the official `splunk-logging` client, as the tests drive it. */
declare module 'splunk-logging' {
  interface SplunkLoggerConfig {
    token: string;
    url?: string;
    maxBatchCount?: number;
    maxRetries?: number;
  }
  interface SplunkPayload {
    message: unknown;
    severity?: string;
    metadata?: { time?: number; host?: string; source?: string; sourcetype?: string; index?: string };
  }
  type Callback = (err: Error | null, resp: { statusCode: number } | undefined, body: unknown) => void;
  class Logger {
    constructor(config: SplunkLoggerConfig);
    requestOptions: Record<string, unknown>;
    error: (err: Error, context: unknown) => void;
    send(payload: SplunkPayload, callback?: Callback): void;
    flush(callback?: Callback): void;
  }
  const splunkLogging: { Logger: typeof Logger };
  export default splunkLogging;
}
