import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';

/** Validators for the schemas kept in test/fixtures/schemas (see its README.md). */

/**
 * A plain boolean check (not Ajv's type guard, which would narrow the caller's parsed JSON
 * to `unknown`); `errors` holds Ajv's explanation after a failed call.
 */
export interface SchemaValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

const SCHEMA_DIR = path.resolve(__dirname, '../../fixtures/schemas');

function readSchema(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(SCHEMA_DIR, name), 'utf8')) as Record<string, unknown>;
}

let contract: SchemaValidator | undefined;
let sarif: SchemaValidator | undefined;

/** The finding contract of DESIGN.md (draft 2020-12). */
export function loadContractValidator(): SchemaValidator {
  if (!contract) {
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    addFormats(ajv);
    contract = ajv.compile(readSchema('finding-report.schema.json'));
  }
  return contract;
}

/** The official SARIF 2.1.0 schema (draft-07). Not `strict`: the published schema uses keywords Ajv's strict mode frowns on. */
export function loadSarifValidator(): SchemaValidator {
  if (!sarif) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    sarif = ajv.compile(readSchema('sarif-2.1.0.schema.json'));
  }
  return sarif;
}
