#!/usr/bin/env node
/**
 * Print the positional arguments as a JSON array.
 * @param {string} first - The first word
 * @param {number} [second=2] - A number
 */
function main(first, second) {
  console.log(JSON.stringify([first, second]));
}

main(...process.argv.slice(2));
