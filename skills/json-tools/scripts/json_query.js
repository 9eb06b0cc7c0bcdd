#!/usr/bin/env node
'use strict';

const fs = require('fs');

const MAX_BYTES = 32 * 1024 * 1024; // refuse to load huge files into memory
const MAX_OUTPUT = 100000; // characters; longer results are cut

function fail(message) {
  process.stderr.write(`json_query: ${message}\n`);
  process.exit(1);
}

// Split "a.b[2].c" or "a.b.2.c" into ["a", "b", "2", "c"]; "." alone is the root.
function splitPath(path) {
  if (path === '' || path === '.') return [];
  return path.replace(/\[(\d+)\]/g, '.$1').replace(/^\./, '').split('.');
}

/**
 * Read a JSON file and print the value found at a dotted path, such as
 * `services.0.name` or `services[0].ports`.
 *
 * @param {string} file - Path of the JSON file to read
 * @param {string} [path=.] - Dotted path into the document; "." for the whole document
 * @param {integer} [indent=2] - Spaces of indentation in the output (0 for one line)
 * @param {boolean} [keys=false] - Print only the keys (or indexes) of the value found
 */
function main(file, path = '.', indent = '2', keys = 'false') {
  if (!file) fail('usage: json_query.js FILE [PATH] [INDENT] [KEYS]');
  const spaces = Number(indent);
  if (!Number.isInteger(spaces) || spaces < 0 || spaces > 8) {
    fail(`indent must be an integer from 0 to 8, not '${indent}'`);
  }
  if (keys !== 'true' && keys !== 'false') fail(`keys must be true or false, not '${keys}'`);
  let doc;
  try {
    if (fs.statSync(file).size > MAX_BYTES) fail(`'${file}' is larger than 32 MiB`);
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    fail(err instanceof SyntaxError ? `'${file}' is not valid JSON: ${err.message}`
      : `cannot read '${file}': ${err.code || err.message}`);
  }
  let value = doc;
  const walked = [];
  for (const part of splitPath(path)) {
    const here = walked.length ? walked.join('.') : '(root)';
    if (value === null || typeof value !== 'object') {
      fail(`'${here}' is a ${value === null ? 'null' : typeof value}, it has no '${part}'`);
    }
    if (!Object.prototype.hasOwnProperty.call(value, part)) {
      const have = Object.keys(value).slice(0, 20).join(', ');
      fail(`no '${part}' under '${here}' (it has: ${have || 'nothing'})`);
    }
    value = value[part];
    walked.push(part);
  }
  if (keys === 'true') {
    value = value !== null && typeof value === 'object' ? Object.keys(value) : [];
  }
  let text = JSON.stringify(value, null, spaces);
  if (text.length > MAX_OUTPUT) {
    text = `${text.slice(0, MAX_OUTPUT)}\n... (cut at ${MAX_OUTPUT} characters; query a narrower path)`;
  }
  process.stdout.write(`${text}\n`);
}

main(...process.argv.slice(2));
