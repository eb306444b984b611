// The official SPDX 2.3 and CycloneDX 1.6 JSON schemas (test/fixtures/schemas/README.md says where each came
// from), compiled with ajv: what the SBOM exports are validated against.
import { readFileSync } from 'node:fs';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

function schema(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(`test/fixtures/schemas/${file}`, 'utf8')) as Record<string, unknown>;
}

let compiled: { spdx: ValidateFunction; cyclonedx: ValidateFunction; ajv: Ajv } | undefined;

function validators(): NonNullable<typeof compiled> {
  if (!compiled) {
    // CycloneDX's `iri-reference` and `idn-email` formats are not among ajv-formats': ajv skips those checks (and
    // says nothing, `logger: false`); every other keyword is checked.
    const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
    addFormats(ajv);
    // bom-1.6 refers to these two by their relative names (`spdx.schema.json`, `jsf-0.82.schema.json#/…`).
    ajv.addSchema(schema('spdx.schema.json'));
    ajv.addSchema(schema('jsf-0.82.schema.json'));
    compiled = { spdx: ajv.compile(schema('spdx-schema-2.3.json')), cyclonedx: ajv.compile(schema('bom-1.6.schema.json')), ajv };
  }
  return compiled;
}

/** The schema's complaints about `document`, one text; empty when it validates. */
export function schemaErrors(format: 'spdx' | 'cyclonedx', document: unknown): string {
  const { ajv, ...validate } = validators();
  return validate[format](document) ? '' : ajv.errorsText(validate[format].errors, { separator: '\n' });
}
