/**
 * The layer check (`npm run lint:layers`). Imports flow one way, top to bottom:
 *
 *   cli
 *   service      src/service.ts, src/app.ts, src/index.ts
 *   api/console  src/api, src/console
 *   domain       src/intake, src/pipeline, src/siem-configs, src/registry, src/transforms, src/formats
 *   store        src/store
 *   base         src/connectors, src/ocsf, src/security, src/config, src/errors.ts, src/logger.ts, src/backoff.ts
 *
 * A module may import its own layer or any layer below it, never one above. Type-only imports count: a type the
 * store needs belongs in the store. Only src/store/ knows which database it is talking to, and src/ never
 * imports test code. No cycles anywhere.
 *
 * Exceptions are listed in KNOWN_EXCEPTIONS, each with the reason it cannot be fixed yet; remove an entry when
 * the import it excuses is gone.
 */

const CLI = '^src/cli/';
const SERVICE = '^src/(service|app|index)\\.ts$';
const API = '^src/(api|console)/';
const DOMAIN = '^src/(intake|pipeline|siem-configs|registry|transforms|formats)/';
const STORE = '^src/store/';
const BASE = '^src/(connectors|ocsf|security|config)/|^src/(errors|logger|backoff)\\.ts$';

/** Imports excused for now: { from, to, why }. Paths are regular expressions like the rules'. */
const KNOWN_EXCEPTIONS = [];

/** A forbidden rule for one layer: it must not import any of `above`. */
function upward(name, fromLayer, above, comment) {
  return {
    name,
    severity: 'error',
    comment,
    from: { path: fromLayer },
    to: { path: above.join('|') },
  };
}

/** KNOWN_EXCEPTIONS become pathNot clauses on the rule they would otherwise break. */
function withExceptions(rule) {
  const matching = KNOWN_EXCEPTIONS.filter((e) => e.rule === rule.name);
  if (matching.length === 0) return [rule];
  // dependency-cruiser cannot pair a `from` exception with a `to` exception inside one rule, so each excused
  // edge is carved out as its own rule variant: the original rule minus the excused source module, plus a rule
  // for that source module minus the excused target.
  const excusedSources = matching.map((e) => e.from);
  const rules = [{ ...rule, from: { ...rule.from, pathNot: excusedSources.join('|') } }];
  for (const e of matching) {
    rules.push({
      ...rule,
      from: { path: e.from },
      to: { ...rule.to, pathNot: e.to },
    });
  }
  return rules;
}

const layerRules = [
  upward('no-import-of-cli', `${SERVICE}|${API}|${DOMAIN}|${STORE}|${BASE}`, [CLI],
    'Only the command line sits above the service; nothing below imports it.'),
  upward('service-upward', SERVICE, [CLI],
    'The service (service.ts, app.ts, index.ts) may import api/console and everything below, not the cli.'),
  upward('api-upward', API, [CLI, SERVICE],
    'The HTTP API and the console are built by the service; they do not import it or the cli.'),
  upward('domain-upward', DOMAIN, [CLI, SERVICE, API],
    'intake, pipeline, siem-configs, registry, transforms and formats sit below the HTTP API.'),
  upward('store-upward', STORE, [CLI, SERVICE, API, DOMAIN],
    'The store never asks who calls it: types and helpers it needs live in the store or below it.'),
  upward('base-upward', BASE, [CLI, SERVICE, API, DOMAIN, STORE],
    'connectors, ocsf, security, config, errors, logger and backoff are the floor: they import no layer above.'),
];

module.exports = {
  forbidden: [
    ...layerRules.flatMap(withExceptions),
    ...withExceptions({
      name: 'database-kind-outside-store',
      severity: 'error',
      comment: 'Nothing outside src/store/ asks which database it is: go through the store adapter.',
      from: { path: '^src/', pathNot: STORE },
      to: { path: '^src/store/(sqlite|postgres)/' },
    }),
    ...withExceptions({
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles hide the direction of a dependency; break them by moving the shared part down.',
      from: { path: '^src/' },
      to: { circular: true },
    }),
    {
      name: 'no-src-to-test',
      severity: 'error',
      comment: 'Production code never imports test code or test helpers.',
      from: { path: '^src/' },
      to: { path: '^test/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve would hide an edge from every rule above.',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
