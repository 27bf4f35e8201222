/**
 * Form fields generated from a connector's config JSON Schema (GET /v1/connector-types: the schema that validates
 * the API body). Each property becomes one input: text, number, a choice for enums and booleans ("default"
 * included, so leaving a field alone leaves it out), JSON for objects; secret fields are write-only.
 */
export interface FieldSpec {
  name: string;
  kind: 'text' | 'integer' | 'choice' | 'boolean' | 'json' | 'secret';
  required: boolean;
  help: string;
  options: string[];
  defaultValue: unknown;
  destination: boolean;
}

export interface ConnectorTypeInfo {
  connector_type: string;
  display_name: string;
  secret_fields: string[];
  destination_fields: string[];
  defaults: Record<string, unknown>;
  config_schema: { properties?: Record<string, any>; required?: string[]; description?: string };
}

export function fieldsOf(t: ConnectorTypeInfo): FieldSpec[] {
  const props = t.config_schema.properties ?? {};
  const required = new Set(t.config_schema.required ?? []);
  return Object.entries(props).map(([name, p]) => {
    const options: string[] = Array.isArray(p.enum)
      ? p.enum.map(String)
      : Array.isArray(p.anyOf) && p.anyOf.every((a: any) => 'const' in a)
        ? p.anyOf.map((a: any) => String(a.const))
        : [];
    const kind: FieldSpec['kind'] = t.secret_fields.includes(name)
      ? 'secret'
      : options.length > 0
        ? 'choice'
        : p.type === 'boolean'
          ? 'boolean'
          : p.type === 'integer' || p.type === 'number'
            ? 'integer'
            : p.type === 'object'
              ? 'json'
              : 'text';
    return {
      name,
      kind,
      required: required.has(name),
      help: typeof p.description === 'string' ? p.description : '',
      options,
      defaultValue: t.defaults?.[name],
      destination: (t.destination_fields ?? []).includes(name),
    };
  });
}

/** A field's text in the form from a stored value. */
export function toInput(spec: FieldSpec, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (spec.kind === 'json') return JSON.stringify(value, null, 2);
  return String(value);
}

/** The value to send for a field's text; undefined leaves the field out. A value the server must judge is sent as typed. */
export function fromInput(spec: FieldSpec, text: string): { value?: unknown; error?: string } {
  if (text.trim() === '') return {};
  switch (spec.kind) {
    case 'integer':
      return { value: /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : text };
    case 'boolean':
      return { value: text === 'true' };
    case 'json':
      try {
        return { value: JSON.parse(text) };
      } catch {
        return { error: 'Not valid JSON (e.g. {"key": "value"})' };
      }
    default:
      return { value: text };
  }
}

/** Where a 422 issue belongs in the form: `config.url`, `name`, `filters.class_uids`, … */
export function issueKey(loc: (string | number)[]): string {
  const l = loc[0] === 'body' ? loc.slice(1) : loc;
  if ((l[0] === 'config' || l[0] === 'filters') && l.length > 1) return `${l[0]}.${l[1]}`;
  return String(l[0] ?? '');
}
