#!/usr/bin/env node
/**
 * Greet someone by name.
 * @param {string} name - Who to greet
 * @param {integer} [times=1] - How often
 * @param {"plain"|"loud"} [style=plain] - How to say it
 */
function main(name, times, style) {
  console.log(name, times, style);
}

main(...process.argv.slice(2));
