import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { exactJsonOf, parseMarkingLongIntegers, stringifyExact } from '../../functions/core/exact-json';

// text → what the parked copy of the whole value says
const ROUND_TRIPS: Array<[text: string, exact: string]> = [
  ['{"id":1870000000000009001}', '{"id":1870000000000009001}'],
  ['{"id": -1870000000000009001 }', '{"id":-1870000000000009001}'],
  ['[9007199254740993, 1.5, -2, 3e5]', '[9007199254740993,1.5,-2,300000]'],
  [
    '{"s":"1870000000000009001","t":"a\\"1870000000000009001"}',
    '{"s":"1870000000000009001","t":"a\\"1870000000000009001"}',
  ],
  ['{"small":42,"float":12345678901234567.5}', '{"small":42,"float":12345678901234568}'],
  ['{"emoji":"😀 \\\\","n":12345678901234567890}', '{"emoji":"😀 \\\\","n":12345678901234567890}'],
];

test.each(ROUND_TRIPS)('%s is written back as %s', (text, exact) => {
  assert.equal(stringifyExact(parseMarkingLongIntegers(text)), exact);
});

test('one event of a body is written from the body text, found by identity', () => {
  const text = '{"events":[{"id":1},{"id":1870000000000009001,"x":{"y":[12345678901234567890]}}]}';
  const parsed = JSON.parse(text) as { events: unknown[] };
  assert.equal(
    exactJsonOf(parsed.events[1], parsed, text),
    '{"id":1870000000000009001,"x":{"y":[12345678901234567890]}}',
  );
  // Not part of the parsed body (a normalizer built it): written the plain way.
  assert.equal(exactJsonOf({ id: 1 }, parsed, text), '{"id":1}');
  // No long digit run: nothing to lose, no second parse.
  assert.equal(exactJsonOf(parsed.events[0], parsed, '{"events":[{"id":1}]}'), '{"id":1}');
});

test('a body that spells the mark itself is written the plain way, never misread', () => {
  const text = '{"a":"\\u0000socialcare-exact-number:1","id":1870000000000009001}';
  const parsed = JSON.parse(text);
  assert.equal(exactJsonOf(parsed, parsed, text), JSON.stringify(parsed));
});
