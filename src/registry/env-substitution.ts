/**
 * `${NAME}` references in a connectors file's config values, replaced by environment variables so the file
 * need not hold secrets. Rules (documented in src/registry/README.md):
 * - only string values inside `config` (nested objects and arrays included) are substituted;
 * - `${NAME}` may be the whole value or part of it (`https://${SPLUNK_HOST}:8088`); NAME is [A-Za-z_][A-Za-z0-9_]*;
 * - an unset or empty variable makes the entry invalid (reported by name, never by value);
 * - `$${NAME}` is the escape for a literal `${NAME}`.
 * The result is always a string: numeric fields must be written as numbers in the file.
 */

const REFERENCE = /\$(\$?)\{([^}]*)\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface SubstitutionProblem {
  /** Path inside the substituted value, e.g. ['token'] or ['headers', 'X-Team']. */
  path: (string | number)[];
  message: string;
}

export interface SubstitutionResult<T> {
  value: T;
  problems: SubstitutionProblem[];
}

/** Substitutes every `${NAME}` in the string leaves of `value` (a JSON-like tree); never mutates the input. */
export function substituteEnv<T>(value: T, env: NodeJS.ProcessEnv): SubstitutionResult<T> {
  const problems: SubstitutionProblem[] = [];
  const walk = (v: unknown, path: (string | number)[]): unknown => {
    if (typeof v === 'string') return substituteString(v, env, (message) => problems.push({ path, message }));
    if (Array.isArray(v)) return v.map((item, i) => walk(item, [...path, i]));
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) out[k] = walk(item, [...path, k]);
      return out;
    }
    return v;
  };
  return { value: walk(value, []) as T, problems };
}

function substituteString(text: string, env: NodeJS.ProcessEnv, report: (message: string) => void): string {
  if (!text.includes('${')) return text;
  return text.replace(REFERENCE, (whole, escape: string, name: string) => {
    if (escape) return whole.slice(1);
    if (!NAME.test(name)) {
      // The text is not echoed: it may be part of a secret that happens to contain "${".
      report('contains "${" without a valid variable name (write ${NAME}, or $${…} for a literal)');
      return whole;
    }
    const resolved = env[name];
    if (resolved === undefined || resolved === '') {
      report(`environment variable ${name} is not set`);
      return whole;
    }
    return resolved;
  });
}
