import assert from 'node:assert/strict';
import type { BatchDetectSentimentCommand, ComprehendClient } from '@aws-sdk/client-comprehend';
import { test } from '@jest/globals';
import {
  ComprehendSentimentClassifier,
  truncateUtf8,
} from '../../functions/adapters/aws/comprehend-sentiment';
import { LocalSentimentClassifier } from '../../functions/core/local-sentiment';

/** A stand-in Comprehend client that records each BatchDetectSentiment call. */
function fakeComprehend(options: { failIndexes?: number[] } = {}) {
  const calls: Array<{ LanguageCode: string; TextList: string[] }> = [];
  const client = {
    send: async (command: BatchDetectSentimentCommand) => {
      const input = command.input as { LanguageCode: string; TextList: string[] };
      calls.push(input);
      const failed = new Set(options.failIndexes ?? []);
      return {
        ResultList: input.TextList.map((_, Index) => ({
          Index,
          Sentiment: 'POSITIVE',
          SentimentScore: { Positive: 0.9, Negative: 0.05, Neutral: 0.04, Mixed: 0.01 },
        })).filter((r) => !failed.has(r.Index)),
        ErrorList: [...failed].map((Index) => ({
          Index,
          ErrorCode: 'INTERNAL_SERVER_ERROR',
          ErrorMessage: 'x',
        })),
      };
    },
  } as unknown as ComprehendClient;
  return { client, calls };
}

test('batches 25 documents per call and keeps the order', async () => {
  const { client, calls } = fakeComprehend();
  const classifier = new ComprehendSentimentClassifier(client, new LocalSentimentClassifier());
  const inputs = Array.from({ length: 60 }, (_, i) => ({ text: `post ${i}`, lang: 'en' }));
  const results = await classifier.classify(inputs);
  assert.deepEqual(
    calls.map((c) => c.TextList.length),
    [25, 25, 10],
  );
  assert.equal(results.length, 60);
  assert.ok(results.every((r) => r.label === 'POSITIVE' && r.source === 'comprehend'));
});

test('one call per language; unsupported languages and empty texts never reach Comprehend', async () => {
  const { client, calls } = fakeComprehend();
  const classifier = new ComprehendSentimentClassifier(client, new LocalSentimentClassifier());
  const results = await classifier.classify([
    { text: 'terrible service', lang: 'en' },
    { text: 'service épouvantable', lang: 'fr' },
    { text: 'verschrikkelijk', lang: 'nl' },
    { text: '   ' },
    { text: 'geweldig', lang: 'de-DE' },
  ]);
  assert.deepEqual(calls.map((c) => c.LanguageCode).sort(), ['de', 'en', 'fr']);
  assert.equal(results[2]?.source, 'local');
  assert.match(results[2]!.note!, /language nl not supported by Comprehend/);
  assert.equal(results[3]?.label, 'NEUTRAL');
});

test('documents Comprehend rejects are read locally, with a note', async () => {
  const { client } = fakeComprehend({ failIndexes: [1] });
  const classifier = new ComprehendSentimentClassifier(client, new LocalSentimentClassifier());
  const results = await classifier.classify([{ text: 'fine' }, { text: 'awful awful awful' }]);
  assert.equal(results[0]?.source, 'comprehend');
  assert.equal(results[1]?.source, 'local');
  assert.equal(results[1]?.label, 'NEGATIVE');
  assert.match(results[1]!.note!, /INTERNAL_SERVER_ERROR/);
});

test('text is cut to 5,000 bytes of UTF-8 without splitting a character', async () => {
  const long = '😡'.repeat(2000);
  const cut = truncateUtf8(long);
  assert.ok(Buffer.byteLength(cut) <= 5000);
  assert.equal(cut, '😡'.repeat(1250));
  const { client, calls } = fakeComprehend();
  await new ComprehendSentimentClassifier(client, new LocalSentimentClassifier()).classify([{ text: long }]);
  assert.ok(Buffer.byteLength(calls[0]!.TextList[0]!) <= 5000);
});

test('a Comprehend throttle or outage falls back to the local reader with a note, never failing the batch', async () => {
  let calls = 0;
  const client = {
    send: async () => {
      calls++;
      const error = new Error('Rate exceeded');
      error.name = 'ThrottlingException';
      throw error;
    },
  } as unknown as ComprehendClient;
  const classifier = new ComprehendSentimentClassifier(client, new LocalSentimentClassifier());
  const results = await classifier.classify([
    { text: 'this is awful, worst airline ever', lang: 'en' },
    { text: 'thanks, lovely crew', lang: 'en' },
    { text: 'service épouvantable', lang: 'fr' },
  ]);
  assert.equal(calls, 2, 'one call per language was tried');
  assert.deepEqual(
    results.map((r) => r.source),
    ['local', 'local', 'local'],
  );
  assert.equal(results[0]?.label, 'NEGATIVE');
  for (const result of results)
    assert.match(result.note ?? '', /Comprehend unavailable \(ThrottlingException\); read locally/);
});
