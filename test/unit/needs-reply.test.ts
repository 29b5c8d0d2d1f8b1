import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { decideNeedsReply, type NeedsReplyInput } from '../../functions/core/needs-reply';

type Row = [
  text: string,
  sentiment: NeedsReplyInput['sentiment'],
  needsReply: boolean,
  reason: string,
  extra?: Partial<NeedsReplyInput>,
];

// Complaints never land in the no-reply lane, however they are phrased: the rows marked true first.
const TABLE: Row[] = [
  ['@DemoAir my bag never arrived', 'NEGATIVE', true, 'negative sentiment'],
  ['@DemoAir thanks for nothing, 3 hours on the tarmac', 'NEGATIVE', true, 'negative sentiment'],
  ['@DemoAir lovely crew but the food was cold', 'MIXED', true, 'mixed sentiment'],
  ['@DemoAir still waiting on my refund', 'NEUTRAL', true, 'request or problem'],
  ['@DemoAir flight 123 delayed again', 'NEUTRAL', true, 'request or problem'],
  ['@DemoAir what time does the lounge open', 'NEUTRAL', true, 'question'],
  ['@DemoAir is the desk open now', 'NEUTRAL', true, 'question'],
  ['@DemoAir hi, quick one?', 'NEUTRAL', true, 'question'],
  ['@DemoAir please DM me', 'NEUTRAL', true, 'request or problem'],
  ['@DemoAir thanks! can you also check my seat?', 'POSITIVE', true, 'question'],
  [
    '@DemoAir great, thanks, but I still have no booking confirmation',
    'POSITIVE',
    true,
    'request or problem',
  ],
  ['@DemoAir I will sue you', 'NEUTRAL', true, 'risk: legal', { risks: ['legal'] }],
  ['fares AMS JFK', 'NEUTRAL', true, 'question: fare', { intent: 'fare' }],
  ['hello', 'NEUTRAL', true, 'direct message', { private: true }],
  ['@DemoAir I fly with you on Monday to see my mum', 'NEUTRAL', true, 'addressed to the brand'],
  // No reply needed.
  ['@DemoAir thank you so much, great crew today!', 'POSITIVE', false, 'thanks or praise'],
  ['@DemoAir love you guys ❤', 'POSITIVE', false, 'thanks or praise'],
  ['@DemoAir', 'NEUTRAL', false, 'bare mention'],
  ['@DemoAir @someone 👀', 'NEUTRAL', false, 'bare mention'],
  ['@DemoAir https://t.co/abc', 'NEUTRAL', false, 'link only'],
  ['RT @DemoAir: New routes this summer', 'NEUTRAL', false, 'retweet'],
  ['@DemoAir GIVEAWAY follow back and retweet to win', 'POSITIVE', false, 'promotion or spam'],
  ['@DemoAir check out my channel', 'NEUTRAL', false, 'promotion or spam'],
  ['@DemoAir nice one', 'POSITIVE', false, 'thanks or praise'],
  ['@DemoAir @friend lol', 'NEUTRAL', false, 'bare mention'],
];

test('needsReply: every row of the table', () => {
  for (const [text, sentiment, needsReply, reason, extra] of TABLE) {
    assert.deepEqual(decideNeedsReply({ text, sentiment, ...extra }), { needsReply, reason }, text);
  }
});

test('needsReply: a negative or mixed reading is never in the no-reply lane, whatever the words', () => {
  for (const [text] of TABLE)
    for (const sentiment of ['NEGATIVE', 'MIXED'] as const)
      assert.equal(decideNeedsReply({ text, sentiment }).needsReply, true, `${sentiment}: ${text}`);
});
