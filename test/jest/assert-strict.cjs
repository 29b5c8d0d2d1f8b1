// `node:assert/strict` for the tests under jest: Node's own module, with the deep comparisons made blind
// to which JavaScript realm a plain object, array, Date, Map or Set was made in.
//
// Why: jest runs each test file in its own VM context with its own Object and Array. Values made by Node
// itself (structuredClone, fetch's response.json(), fs.readdirSync ...) come from Node's realm, and
// deepStrictEqual, which compares prototypes, calls two equal arrays different ("Compared values have no
// visual difference"). Everything else about strictness stays: types, undefined properties, class instances.
// jest.config.mjs maps node:assert/strict here; Node's own comes in as node:assert's `strict`, which the
// mapping does not match.
const real = require('node:assert').strict;

function isPlain(proto) {
  return proto === null || (Object.getPrototypeOf(proto) === null && proto.constructor?.name === 'Object');
}

function intrinsic(proto, name) {
  return proto !== null && proto.constructor?.name === name;
}

/** A copy of `value` whose plain objects, arrays, Dates, Maps and Sets are this realm's. */
function inThisRealm(value, seen = new Map()) {
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return seen.get(value);
  const proto = Object.getPrototypeOf(value);
  const tag = Object.prototype.toString.call(value);
  let out;
  if (Array.isArray(value)) {
    out = new Array(value.length);
  } else if (isPlain(proto)) {
    out = proto === null ? Object.create(null) : {};
  } else if (tag === '[object Date]' && intrinsic(proto, 'Date')) {
    out = new Date(value.getTime());
    seen.set(value, out);
    return out;
  } else if (tag === '[object Map]' && intrinsic(proto, 'Map')) {
    out = new Map();
    seen.set(value, out);
    for (const [k, v] of value) out.set(inThisRealm(k, seen), inThisRealm(v, seen));
    return out;
  } else if (tag === '[object Set]' && intrinsic(proto, 'Set')) {
    out = new Set();
    seen.set(value, out);
    for (const v of value) out.add(inThisRealm(v, seen));
    return out;
  } else {
    return value; // class instances, errors, buffers...: compared as they are
  }
  seen.set(value, out);
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (Array.isArray(value) && key === 'length') continue;
    if ('value' in descriptor) descriptor.value = inThisRealm(descriptor.value, seen);
    Object.defineProperty(out, key, descriptor);
  }
  return out;
}

function comparing(name) {
  const compare = real[name];
  function wrapped(actual, expected, message) {
    try {
      return compare(inThisRealm(actual), inThisRealm(expected), message);
    } catch (error) {
      // Point the failure at the test's line, not this file.
      if (error instanceof real.AssertionError) Error.captureStackTrace(error, wrapped);
      throw error;
    }
  }
  return wrapped;
}

function assert(...args) {
  return real(...args);
}
for (const key of Reflect.ownKeys(real)) {
  if (key === 'length' || key === 'name' || key === 'prototype') continue;
  Object.defineProperty(assert, key, Object.getOwnPropertyDescriptor(real, key));
}
for (const name of ['deepEqual', 'deepStrictEqual', 'notDeepEqual', 'notDeepStrictEqual'])
  assert[name] = comparing(name);
assert.strict = assert;

module.exports = assert;
