import { connectorCatalog, isConnectorType } from '../connectors/catalog.ts';
import { validateAgainstSchema } from '../connectors/shared/config-schema.ts';
import { CONNECTOR_TYPES, type ConnectorType } from '../connectors/shared/types.ts';
import type { ValidationIssue } from '../errors.ts';
import { wellFormedTextIssues } from './well-formed-text.ts';

/**
 * Validates `connector_type` + `config` the same way on every surface; issues carry FastAPI-style locations
 * under `base` (e.g. ['body', 'config', 'url']).
 */
export function validateConnectorConfig(
  type: unknown,
  config: unknown,
  base: (string | number)[] = ['body'],
): ValidationIssue[] {
  if (!isConnectorType(type)) {
    return [
      {
        loc: [...base, 'connector_type'],
        msg: `Input should be one of: ${CONNECTOR_TYPES.join(', ')}`,
        type: 'enum',
      },
    ];
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    return [{ loc: [...base, 'config'], msg: 'Input should be a valid dictionary', type: 'dict_type' }];
  }
  const textIssues = wellFormedTextIssues(config, [...base, 'config']);
  if (textIssues.length > 0) return textIssues;
  const def = connectorCatalog[type as ConnectorType];
  const schemaIssues = validateAgainstSchema(def.configSchema, config);
  const issues = schemaIssues.length === 0 && def.validate ? def.validate(config as Record<string, unknown>) : [];
  return [...schemaIssues, ...issues].map((i) => ({ loc: [...base, 'config', ...i.path], msg: i.message, type: i.type }));
}
