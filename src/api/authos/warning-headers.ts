/**
 * How the AuthOS surface says what the egress policy doubts about a saved config without changing the seed's
 * response body: one `Warning: 199 siemstream "<text>"` header per warning (the RFC 7234 form; 199 is
 * "miscellaneous warning"). Header values are Latin-1 only, so anything else is replaced, and quotes escaped.
 */
import type { FastifyReply } from 'fastify';

export const WARNING_HEADER_DOC = {
  Warning: {
    type: 'string',
    description: 'Once per warning about the saved config, e.g. a target that does not resolve: 199 siemstream "<text>" (the body keeps the seed shape)',
  },
};

export function warningHeaderValue(text: string): string {
  const safe = text.replace(/[^\x20-\x7e]/g, '?').replace(/["\\]/g, (c) => `\\${c}`);
  return `199 siemstream "${safe}"`;
}

export function sendWarnings(reply: FastifyReply, warnings: readonly string[]): void {
  if (warnings.length === 0) return;
  // One header line per warning (a list in one line would have to be split on commas inside the texts).
  const values = warnings.map(warningHeaderValue);
  reply.header('Warning', values.length === 1 ? values[0] : values);
}
