/** IBM QRadar: LEEF 2.0 over the HTTP Receiver, TLS syslog or TCP syslog (protocols.md §7). */
import type { ConnectorDefinition } from '../shared/types.ts';
import { qradarConfigSchema, qradarSecretFields, qradarDestinationFields, resolveTarget, validateQradarConfig, type QradarConfig } from './config.ts';
import { encodeQradarBatch } from './encoder.ts';
import { createQradarConnector } from './sender.ts';

export const qradarConnector: ConnectorDefinition<QradarConfig> = {
  type: 'qradar',
  className: 'QRadarConnector',
  displayName: 'IBM QRadar',
  configSchema: qradarConfigSchema,
  secretFields: qradarSecretFields,
  destinationFields: qradarDestinationFields,
  validate: validateQradarConfig,
  // https://host:12469/ for the HTTP Receiver, tls://host:6514 or tcp://host:514 for syslog.
  endpointOf: (config) => {
    try {
      return encodeQradarBatch([], resolveTarget(config)).url;
    } catch {
      return config.host;
    }
  },
  create: createQradarConnector,
};
