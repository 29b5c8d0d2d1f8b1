import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { normalizeXActivity } from '../../functions/channels/x/normalize';
import { fitInteraction, MAX_TEXT_CHARS, parseInteraction } from '../../functions/core/interaction';
import { demoDirectory, fixture } from '../helpers';

const sampleInteraction = () =>
  normalizeXActivity(JSON.parse(fixture('x/mention.json')), demoDirectory(), '2026-11-23T09:15:00.000Z')
    .interactions[0]!;

test('a text longer than X allows any post (25,000 characters) is cut there, never inside a character, with a note', () => {
  const long = { ...sampleInteraction(), text: `${'a'.repeat(24_999)}😀😀 tail` };
  const fitted = fitInteraction(long);
  assert.equal([...fitted.text.split(' [… cut')[0]!].length, MAX_TEXT_CHARS);
  assert.ok(
    fitted.text.startsWith(`${'a'.repeat(24_999)}😀 [… cut by socialcare`),
    'the emoji is kept whole',
  );
  assert.match(fitted.text, /the post has 25,006 characters; the first 25,000 are kept\]$/);
  const short = sampleInteraction();
  assert.equal(fitInteraction(short), short);
  // Queued before the cut existed (a journal, a redrive): triage's parse cuts too.
  assert.equal(parseInteraction(JSON.stringify(long)).text, fitted.text);
});
