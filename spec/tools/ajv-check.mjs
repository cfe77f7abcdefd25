#!/usr/bin/env node
// Checks that the JSON Schemas in spec/schemas are usable by the JavaScript tools
// forms use: ajv (draft 2020-12, strict mode, every error, ajv-formats) must compile
// every schema, and validates every example in spec/examples against the schema of
// its kind (`<kind>.*.json` -> spec/schemas/<kind>.json, `facts.*.json` ->
// spec/schemas/facts.json).
//
// Run from the repository root, after `npm ci`:
//
//     node spec/tools/ajv-check.mjs
//
// Prints one JSON object to stdout:
//
//     {"schemas": ["declaration.json", ...],
//      "examples": {"manifest.valid.json": {"valid": true, "errors": []},
//                   "manifest.mistakes.json": {"valid": false, "errors": [
//                     {"path": "/consignor/credit_code", "keyword": "pattern", "message": "..."}]}}}
//
// Error paths are RFC 6901 JSON Pointers into the example. For `required` and
// `additionalProperties` they name the missing or unknown member itself, not the
// object holding it. Errors are deduplicated by (path, keyword).
//
// Exits 0 once the object is printed, whatever the verdicts (they are data); exits
// non-zero, with a message on stderr, only when the harness itself fails: a schema
// that does not compile, a strict-mode complaint, an example with no schema.
//
// Strict mode and our schemas: schemars gives `usize` fields (report.json's counts)
// `"format": "uint"`, a format ajv does not know, which strict mode rejects. It is
// declared below as exactly what schemars means by it, a non-negative integer, and
// nothing else is relaxed.

import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import process from "node:process";

import Ajv2020Module from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

// Both packages are CommonJS with a `default` export; Node's ESM interop hands back
// the module object, so unwrap it.
const Ajv2020 = Ajv2020Module.default ?? Ajv2020Module;
const addFormats = addFormatsModule.default ?? addFormatsModule;

const root = process.cwd();
const schemaDir = resolve(root, "spec/schemas");
const exampleDir = resolve(root, "spec/examples");

function fail(message) {
  process.stderr.write(`ajv-check: ${message}\n`);
  process.exit(1);
}

function escapeToken(token) {
  return String(token).replace(/~/g, "~0").replace(/\//g, "~1");
}

function jsonFiles(dir, what) {
  let names;
  try {
    names = readdirSync(dir);
  } catch (error) {
    fail(`cannot read ${what} directory ${dir}: ${error.message}`);
  }
  return names.filter((name) => name.endsWith(".json")).sort();
}

// Strict mode speaks in two ways: it throws for most things, and it logs a warning
// for some (strictTypes, strictTuples, strictRequired when set to "log"). Every
// warning is collected and treated as a failure, so nothing strict mode says is lost.
const strictWarnings = [];
const logger = {
  log: () => {},
  warn: (...args) => strictWarnings.push(args.map(String).join(" ")),
  error: (...args) => strictWarnings.push(args.map(String).join(" ")),
};

const ajv = new Ajv2020({
  strict: true,
  allErrors: true,
  logger,
  formats: {
    // schemars' format for unsigned integers (report.json); see the header.
    uint: {
      type: "number",
      validate: (n) => Number.isInteger(n) && n >= 0,
    },
  },
});
addFormats(ajv);

// Compile every schema first: one failure stops the harness.
const schemaFiles = jsonFiles(schemaDir, "schema");
if (schemaFiles.length === 0) {
  fail(`no schemas in ${schemaDir}`);
}
const validators = new Map();
const compileFailures = [];
for (const file of schemaFiles) {
  let schema;
  try {
    schema = JSON.parse(readFileSync(join(schemaDir, file), "utf8"));
  } catch (error) {
    compileFailures.push(`${file}: not JSON: ${error.message}`);
    continue;
  }
  const before = strictWarnings.length;
  try {
    validators.set(file, ajv.compile(schema));
  } catch (error) {
    compileFailures.push(`${file}: ${error.message}`);
    continue;
  }
  for (const warning of strictWarnings.slice(before)) {
    compileFailures.push(`${file}: strict mode: ${warning}`);
  }
}
if (compileFailures.length > 0) {
  fail(
    `ajv (draft 2020-12, strict) could not compile every schema:\n  ${compileFailures.join("\n  ")}`,
  );
}

// The path an error is about: the member itself for `required` and
// `additionalProperties`, the value otherwise.
function errorPath(error) {
  switch (error.keyword) {
    case "required":
      return `${error.instancePath}/${escapeToken(error.params.missingProperty)}`;
    case "additionalProperties":
      return `${error.instancePath}/${escapeToken(error.params.additionalProperty)}`;
    default:
      return error.instancePath;
  }
}

function schemaFor(example) {
  const kind = example.slice(0, example.indexOf("."));
  return `${kind}.json`;
}

const examples = {};
const exampleFailures = [];
for (const file of jsonFiles(exampleDir, "example")) {
  const schemaFile = schemaFor(file);
  const validate = validators.get(schemaFile);
  if (validate === undefined) {
    exampleFailures.push(`${file}: no schema spec/schemas/${schemaFile} for its kind`);
    continue;
  }
  let instance;
  try {
    instance = JSON.parse(readFileSync(join(exampleDir, file), "utf8"));
  } catch (error) {
    // Malformed JSON is a verdict on the example, not a harness failure.
    examples[file] = {
      valid: false,
      errors: [{ path: "", keyword: "json", message: error.message }],
    };
    continue;
  }
  const valid = validate(instance);
  const seen = new Set();
  const errors = [];
  for (const error of validate.errors ?? []) {
    const path = errorPath(error);
    const key = `${path}\u0000${error.keyword}`;
    if (seen.has(key)) {
      continue;
    }
    seen.add(key);
    errors.push({ path, keyword: error.keyword, message: error.message ?? "" });
  }
  examples[file] = { valid, errors };
}
if (exampleFailures.length > 0) {
  fail(`cannot check every example:\n  ${exampleFailures.join("\n  ")}`);
}
if (strictWarnings.length > 0) {
  fail(`ajv warned while validating:\n  ${strictWarnings.join("\n  ")}`);
}

process.stdout.write(`${JSON.stringify({ schemas: schemaFiles, examples })}\n`);
