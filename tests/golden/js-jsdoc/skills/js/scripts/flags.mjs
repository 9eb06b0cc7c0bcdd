/**
 * @fileoverview Count words in a file.
 * @param {string} file - File to read
 * @param {boolean} verbose - Say more
 * @param {string[]} skip - Words to skip
 */
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    file: { type: 'string', short: 'f' },
    verbose: { type: 'boolean' },
    skip: { type: 'string', multiple: true },
  },
});
console.log(values);
