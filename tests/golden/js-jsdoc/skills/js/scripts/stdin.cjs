/**
 * Sum numbers given as JSON on stdin.
 * @param {object} args
 * @param {number[]} args.values - Numbers to add
 */
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
console.log(input.values.reduce((a, b) => a + b, 0));
