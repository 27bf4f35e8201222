/**
 * The shape of the generated OCSF attribute table (ocsf-attribute-table.ts), apart from the table so that the
 * generated file and its reader (ocsf-paths.ts) both import it and neither imports the other.
 *
 * Type codes: `string`, `integer`, `number`, `boolean`, `ip`, `json` (any JSON), `#<object>` (`#object`: OCSF's
 * free-form object), each possibly followed by `[]` (an array of it).
 */
export interface OcsfAttributeTable {
  /** Class uid → its top-level attributes → type code. */
  readonly classes: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** OCSF object name → its attributes → type code. */
  readonly objects: Readonly<Record<string, Readonly<Record<string, string>>>>;
}
