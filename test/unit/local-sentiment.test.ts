import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyLocally, LocalSentimentClassifier } from '../../functions/core/local-sentiment';

const cases: Array<[string, string]> = [
  // Complaints without a negative word.
  ['@DemoAir flight Cancelled Flightled, stuck in Denver', 'NEGATIVE'],
  ['2 hours on hold and still nobody picked up', 'NEGATIVE'],
  ['been waiting 3 days for a reply to my email', 'NEGATIVE'],
  ['my bag never arrived in Amsterdam', 'NEGATIVE'],
  ['missed my connection because of you', 'NEGATIVE'],
  ['charged twice for the same seat', 'NEGATIVE'],
  // Negation flips.
  ['the crew was not helpful at all', 'NEGATIVE'],
  ['not bad at all, smooth flight', 'POSITIVE'],
  // Praise.
  ['thanks so much, great crew and a lovely flight!', 'POSITIVE'],
  ['Love the new lounge 😍', 'POSITIVE'],
  // Emoji and emoticons, shouting, elongation.
  ['flight KL123 today 😡', 'NEGATIVE'],
  ['seat was broken :(', 'NEGATIVE'],
  ['this is TERRIBLE', 'NEGATIVE'],
  ['sooooo good', 'POSITIVE'],
  // Sarcasm cues that are reliable.
  ['thanks for nothing', 'NEGATIVE'],
  ['great, another 3 hours delay. love it', 'NEGATIVE'],
  // Neutral questions.
  ['what time does the lounge open tomorrow?', 'NEUTRAL'],
  ['fares from AMS to JFK in March', 'NEUTRAL'],
  // Praise and complaint together.
  ['The crew were lovely and helpful but the delay was awful and the food terrible', 'MIXED'],
];

for (const [text, expected] of cases) {
  test(`"${text}" reads ${expected}`, () => {
    assert.equal(classifyLocally(text).label, expected);
  });
}

test('scores are between 0 and 1, sum to about 1, and the label has the highest score', () => {
  for (const [text] of cases) {
    const { label, scores } = classifyLocally(text);
    const sum = Object.values(scores).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 0.01, `${text}: ${sum}`);
    const best = Object.entries(scores).sort((a, b) => b[1] - a[1])[0]![0];
    assert.equal(best, label.toLowerCase(), text);
  }
});

test('the classifier port answers in order and notes non-English text', async () => {
  const results = await new LocalSentimentClassifier().classify([
    { text: 'awful service' },
    { text: 'merci beaucoup', lang: 'fr' },
  ]);
  assert.equal(results[0]?.label, 'NEGATIVE');
  assert.equal(results[1]?.note, 'read as English (fr)');
  assert.equal(results[0]?.source, 'local');
});
