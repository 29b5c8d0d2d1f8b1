import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { replyLength, X_REPLY_LIMIT } from '../../functions/core/reply-rules';

// X's weighted length as twitter-text v3's parseTweet counts it (each expected value below is what
// parseTweet gives): an emoji is 2 however many code points make it, a link is 23 and the punctuation
// after it is text, CJK weighs 2, Latin and general punctuation 1.
const CASES: Array<[string, number]> = [
  ['plain text', 10],
  ['café ñ', 6],
  ['東京', 4],
  ['ok ✈', 5],
  ['👍', 2],
  ['👍🏽 thumbs', 9],
  ['👨‍👩‍👧 family', 9],
  ['🇳🇱 flag', 7],
  ['❤️ and ❤', 9],
  ['#️⃣ 1️⃣', 5],
  ['© ® ™', 6],
  ['Why!🤷🏻‍♀️ #iOS11', 13],
  ['“quoted” — ok…', 15],
  ['see https://t.co/TK4yevTaND, and more', 37],
  ['(https://t.co/nUUp5MLhYl)', 25],
  ['Book: https://www.example.com/a/very/long/path?with=query&and=more', 29],
];

test.each(CASES)('X counts %j as %i', (text, expected) => {
  assert.equal(replyLength(text, X_REPLY_LIMIT), expected);
});
