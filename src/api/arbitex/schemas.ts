/** Request/response schemas of the Arbitex surface (seed 001), used for validation and OpenAPI. */
import { Type } from 'typebox';
import { CONNECTOR_TYPES } from '../../connectors/shared/types.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const Filters = Type.Object(
  {
    class_uids: Type.Optional(Nullable(Type.Array(Type.Integer({ minimum: 0, maximum: 999_999 }), { maxItems: 100, uniqueItems: true }))),
    min_severity_id: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 99 }))),
  },
  { additionalProperties: false, description: 'Only events of these OCSF classes and at least this severity_id are delivered' },
);

const ConfigObject = Type.Object(
  {},
  {
    additionalProperties: true,
    description: 'Connector-specific fields; see the ConnectorConfig_<connector_type> schemas (validated per connector_type)',
  },
);

export const ArbitexCreateBody = Type.Object(
  {
    connector_type: Type.String({ description: `One of ${CONNECTOR_TYPES.join(', ')}`, maxLength: 64 }),
    config: ConfigObject,
    is_enabled: Type.Optional(Type.Boolean({ default: true })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    batch_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    filters: Type.Optional(Filters),
  },
  { additionalProperties: false },
);

export const ArbitexUpdateBody = Type.Object(
  {
    connector_type: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    config: Type.Optional(Nullable(ConfigObject)),
    is_enabled: Type.Optional(Nullable(Type.Boolean())),
    name: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 200 }))),
    batch_size: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 10_000 }))),
    filters: Type.Optional(Nullable(Filters)),
  },
  { additionalProperties: false },
);

export const ConfigIdParams = Type.Object({ config_id: Type.String({ format: 'uuid' }) });

const IsoTime = Type.String({ format: 'date-time' });
/** The last connection test's outcome; a test is not a delivery, so it never sets the delivery times. */
export const TestResultValue = Type.Union([Type.Literal('success'), Type.Literal('failure')], {
  description: 'Outcome of the last connection test (last_test_at says when)',
});

export const ArbitexConfig = Type.Object({
  id: Type.String({ format: 'uuid' }),
  org_id: Type.String(),
  connector_type: Type.String(),
  config: Type.Object({}, { additionalProperties: true }),
  is_enabled: Type.Boolean(),
  created_at: IsoTime,
  updated_at: IsoTime,
  last_delivery_at: Nullable(IsoTime),
  delivery_status: Type.Union(['healthy', 'degraded', 'error', 'not_configured', 'paused'].map((s) => Type.Literal(s))),
  name: Type.String(),
  batch_size: Type.Integer(),
  filters: Type.Object({ class_uids: Nullable(Type.Array(Type.Integer())), min_severity_id: Nullable(Type.Integer()) }),
  failure_count: Type.Integer(),
  last_successful_batch_at: Nullable(IsoTime),
  last_error: Nullable(Type.String()),
  last_test_at: Nullable(IsoTime),
  last_test_result: Nullable(TestResultValue),
  warnings: Type.Array(Type.String()),
});

export const ArbitexTestResult = Type.Object({
  config_id: Type.String(),
  connector_type: Type.String(),
  success: Type.Boolean(),
  events_sent: Type.Integer(),
  error: Nullable(Type.String()),
});

export const AuditEntrySchema = Type.Object({
  id: Type.String(),
  config_id: Type.String(),
  action: Type.String(),
  actor: Type.String(),
  changed_fields: Type.Array(Type.String()),
  at: IsoTime,
});

export const FastApiValidationError = Type.Object({
  detail: Type.Array(Type.Object({ loc: Type.Array(Type.Union([Type.String(), Type.Integer()])), msg: Type.String(), type: Type.String() })),
});
export const FastApiError = Type.Object({ detail: Type.String(), error: Type.Object({ code: Type.String(), message: Type.String() }) });
