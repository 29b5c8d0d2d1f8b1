import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { test } from '@jest/globals';
import { runTriageCommand } from '../../functions/cli/triage-command';
import { LocalSentimentClassifier } from '../../functions/core/local-sentiment';
import { demoConfig } from '../helpers';

async function triage(lines: string[]) {
  const output = new PassThrough();
  const chunks: string[] = [];
  output.on('data', (chunk) => chunks.push(String(chunk)));
  const summary = await runTriageCommand({
    config: demoConfig(),
    sentiment: new LocalSentimentClassifier(),
    input: Readable.from(lines.map((l) => `${l}\n`)),
    output,
    chunkSize: 2,
  });
  return {
    summary,
    results: chunks
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l)),
  };
}

test('one line out per line in, in order, in the contract shape; bad lines give an error line', async () => {
  const { summary, results } = await triage([
    '{"id":"a","text":"2 hours on hold, nobody answers"}',
    'not json',
    '{"id":"b","text":"my lawyer will call you","to":"care"}',
    '{"id":"c","text":42}',
    '{"id":"d","text":"@DemoAir","to":"bot"}',
    '{"id":"e","text":"hi","to":"someone"}',
  ]);
  assert.deepEqual(summary, { lines: 6, errors: 3 });
  assert.deepEqual(
    results.map((r) => r.id),
    ['a', null, 'b', 'c', 'd', 'e'],
  );
  const [a, bad, b, c, d, e] = results;
  assert.deepEqual(Object.keys(a).slice(0, 5), ['id', 'sentiment', 'intent', 'action', 'reply']);
  assert.equal(a.sentiment.label, 'NEGATIVE');
  assert.deepEqual(Object.keys(a.sentiment.scores).sort(), ['mixed', 'negative', 'neutral', 'positive']);
  assert.equal(a.action, 'agent');
  assert.equal(a.reply, null);
  assert.equal(bad.error, 'line is not JSON');
  assert.equal(b.action, 'escalate');
  assert.equal(c.error, '"text" must be a string');
  assert.equal(d.action, 'ignore');
  assert.equal(e.error, '"to" must be "bot" or "care"');
});

test('each line says whether it needs a reply, why, its topic from the brand config and how sure the reading is', async () => {
  const { results } = await triage([
    '{"id":"bag","text":"@DemoAir my bag never arrived, 3 days now"}',
    '{"id":"thanks","text":"@DemoAir thank you so much, great crew!"}',
    '{"id":"plain","text":"@DemoAir hello there"}',
  ]);
  const [bag, thanks, plain] = results;
  assert.deepEqual(
    [bag.needsReply, bag.needsReplyReason, bag.topic],
    [true, 'negative sentiment', 'baggage'],
  );
  assert.deepEqual([thanks.needsReply, thanks.topic], [false, 'praise']);
  assert.equal(plain.topic, null);
  for (const r of results) assert.ok(r.confidence > 0 && r.confidence <= 1, `${r.id}: ${r.confidence}`);
});
