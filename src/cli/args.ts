/** Minimal `--flag value` / `--flag` parsing for the CLI (node:util parseArgs with strict options). */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  return parseArgs({ args, options, allowPositionals: true, strict: true });
}
