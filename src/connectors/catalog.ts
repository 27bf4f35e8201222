/** Every connector type, by `connector_type`. Adding a SIEM = one folder + one line here. */
import type { ConnectorDefinition, ConnectorType } from './shared/types.ts';
import { splunkHecConnector } from './splunk-hec/index.ts';
import { datadogConnector } from './datadog/index.ts';
import { elasticConnector } from './elastic/index.ts';
import { sentinelConnector } from './sentinel/index.ts';
import { sumoLogicConnector } from './sumo-logic/index.ts';
import { cortexXsiamConnector } from './cortex-xsiam/index.ts';
import { qradarConnector } from './qradar/index.ts';
import { httpConnector } from './http/index.ts';

export const connectorCatalog: Record<ConnectorType, ConnectorDefinition<any>> = {
  splunk_hec: splunkHecConnector,
  datadog: datadogConnector,
  elastic: elasticConnector,
  sentinel: sentinelConnector,
  sumo_logic: sumoLogicConnector,
  cortex_xsiam: cortexXsiamConnector,
  qradar: qradarConnector,
  http: httpConnector,
};

export function isConnectorType(value: unknown): value is ConnectorType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(connectorCatalog, value);
}
