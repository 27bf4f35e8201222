/** The generated attribute table must be what the generator makes of the vendored OCSF 1.8.0 schemas. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildOcsfAttributeTable, renderOcsfAttributeTable } from '../../scripts/generate-ocsf-attribute-table.ts';
import { OCSF_CLASSES } from '../../src/ocsf/classes.ts';
import { OCSF_ATTRIBUTE_TABLE } from '../../src/transforms/ocsf-attribute-table.ts';
import { loadSchema } from '../ocsf/ocsf-schemas.ts';

describe('OCSF attribute table', () => {
  it('is up to date with the schemas (npx tsx scripts/generate-ocsf-attribute-table.ts)', () => {
    const file = readFileSync(new URL('../../src/transforms/ocsf-attribute-table.ts', import.meta.url), 'utf8');
    expect(file).toBe(renderOcsfAttributeTable(buildOcsfAttributeTable()));
  });

  it('has every known class with every attribute its schema has', () => {
    for (const rule of OCSF_CLASSES) {
      const schema = loadSchema(rule.name);
      expect(Object.keys(OCSF_ATTRIBUTE_TABLE.classes[String(rule.uid)] ?? {}).sort(), rule.name).toEqual(Object.keys(schema.properties).sort());
    }
  });

  it('types the attributes the transforms care about', () => {
    const auth = OCSF_ATTRIBUTE_TABLE.classes['3002']!;
    expect(auth.user).toBe('#user');
    expect(auth.observables).toBe('#observable[]');
    expect(auth.unmapped).toBe('#object');
    expect(auth.raw_data).toBe('string');
    expect(OCSF_ATTRIBUTE_TABLE.objects.network_endpoint!.ip).toBe('ip');
    expect(OCSF_ATTRIBUTE_TABLE.objects.network_endpoint!.port).toBe('integer');
    expect(OCSF_ATTRIBUTE_TABLE.objects.network_endpoint!.intermediate_ips).toBe('ip[]');
    expect(OCSF_ATTRIBUTE_TABLE.objects.user!.email_addr).toBe('string');
  });
});
