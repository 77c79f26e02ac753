'use strict';
/**
 * Stands in for `require("@mongodb-js/saslprep")` in the MongoDB driver's SCRAM code inside the
 * dist/vendor/mongodb.js bundle (scripts/bundle-vendor.js). The driver requires SASLprep when it
 * loads, and SASLprep builds its code-point tables (~20 ms of CPU) right then, on every MongoDB
 * command, for a password it will prepare once, if at all. A password of printable ASCII is its
 * own SASLprep (RFC 4013: nothing in U+0020-U+007E is mapped, changed by NFKC, prohibited,
 * unassigned or right-to-left), so the tables load only for any other password.
 * tests/unit/mongo-saslprep.test.ts compares this with the package itself.
 */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

let full;

function saslprep(input, opts) {
  if (typeof input === 'string' && PRINTABLE_ASCII.test(input)) return input;
  full ??= require('@mongodb-js/saslprep');
  return full.saslprep(input, opts);
}

module.exports = { saslprep };
