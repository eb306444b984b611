// The official SARIF 2.1.0 schema (test/fixtures/sarif-schema-2.1.0.README.md says where it came from), compiled
// with ajv: what `image-provenance check --format sarif` is validated against in the registry and UI tiers.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

/** The schema's complaints about `sarif`, one text; empty when it validates. */
export function sarifSchemaErrors(sarif: unknown): string {
  const schema = JSON.parse(readFileSync(resolve('test/fixtures/sarif-schema-2.1.0.json'), 'utf8')) as Record<string, unknown>;
  // Draft-04's `id` is draft-07's `$id`; nothing else in this schema differs between the two.
  const draft07 = Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema').map(([key, value]) => [key === 'id' ? '$id' : key, value]));
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(draft07);
  return validate(sarif) ? '' : ajv.errorsText(validate.errors);
}
