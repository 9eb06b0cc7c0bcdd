#!/usr/bin/env node
/**
 * Validate a JSON file and print it reformatted: indented or compact, with
 * keys optionally sorted. Use it to check a config file parses, or to
 * normalise two files before comparing them.
 */
import fs from 'node:fs';
import util from 'node:util';

const MAX_BYTES = 32 * 1024 * 1024;
const MAX_OUTPUT = 200000;

function fail(message, code = 1) {
  process.stderr.write(`json_format: ${message}\n`);
  process.exit(code);
}

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
}

let values;
try {
  ({ values } = util.parseArgs({
    options: {
      // Path of the JSON file to format (required)
      file: { type: 'string', short: 'f' },
      // Spaces of indentation, 0 to 8
      indent: { type: 'string', short: 'i', default: '2' },
      // Sort object keys alphabetically, at every level
      'sort-keys': { type: 'boolean', short: 's' },
      // Print on one line, ignoring indent
      compact: { type: 'boolean', short: 'c' },
      // Also report the size and top-level type on stderr
      verbose: { type: 'boolean', short: 'v' },
    },
    strict: true,
  }));
} catch (err) {
  fail(err.message, 2);
}

if (!values.file) fail('--file is required', 2);
const indent = Number(values.indent);
if (!Number.isInteger(indent) || indent < 0 || indent > 8) {
  fail(`--indent must be an integer from 0 to 8, not '${values.indent}'`, 2);
}
let doc;
try {
  if (fs.statSync(values.file).size > MAX_BYTES) fail(`'${values.file}' is larger than 32 MiB`);
  doc = JSON.parse(fs.readFileSync(values.file, 'utf8'));
} catch (err) {
  fail(err instanceof SyntaxError ? `'${values.file}' is not valid JSON: ${err.message}`
    : `cannot read '${values.file}': ${err.code || err.message}`);
}
if (values['sort-keys']) doc = sortKeys(doc);
let text = JSON.stringify(doc, null, values.compact ? 0 : indent);
if (values.verbose) {
  const kind = Array.isArray(doc) ? 'array' : doc === null ? 'null' : typeof doc;
  process.stderr.write(`json_format: valid JSON, top level ${kind}, ${text.length} characters\n`);
}
if (text.length > MAX_OUTPUT) {
  text = `${text.slice(0, MAX_OUTPUT)}\n... (cut at ${MAX_OUTPUT} characters)`;
}
process.stdout.write(`${text}\n`);
