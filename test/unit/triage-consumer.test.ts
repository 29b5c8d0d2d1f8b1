import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import type { SQSEvent } from 'aws-lambda';
import type { Interaction } from '../../functions/core/interaction';
import { createTriageConsumer } from '../../functions/triage/triage-consumer';
import { InMemoryCaseStore, RecordingDeadLetters, StubSentiment } from '../fakes/in-memory';
import { demoDirectory } from '../helpers';

const interaction = (id: string, brandId = 'demoair'): Interaction => ({
  schemaVersion: 1,
  platform: 'x',
  visibility: 'public',
  kind: 'mention',
  platformMessageId: id,
  brandId,
  account: { id: '4000001', role: 'care' },
  author: { id: `author-${id}` },
  text: '@DemoAir where is my bag',
  createdAt: '2026-11-23T10:00:00.000Z',
  receivedAt: '2026-11-23T10:00:01.000Z',
});

const event = (bodies: string[]): SQSEvent =>
  ({ Records: bodies.map((body, i) => ({ messageId: `m${i}`, body })) }) as unknown as SQSEvent;

test('a malformed record is parked with its reason; the rest of the batch is recorded', async () => {
  const store = new InMemoryCaseStore();
  const deadLetters = new RecordingDeadLetters();
  const consumer = createTriageConsumer({
    directory: demoDirectory(),
    store,
    sentiment: new StubSentiment(),
    deadLetters,
  });
  const response = await consumer(
    event([
      JSON.stringify(interaction('1')),
      'not json',
      JSON.stringify({ ...interaction('2'), createdAt: 'yesterday' }),
      JSON.stringify(interaction('3')),
    ]),
  );
  assert.deepEqual(response.batchItemFailures, []);
  assert.deepEqual([...store.cases.keys()], ['x-1', 'x-3']);
  assert.deepEqual(
    deadLetters.parked.map((p) => p.reason),
    ['interaction is not JSON', 'interaction field createdAt: Invalid ISO datetime'],
  );
});

test('a record that fails for a passing reason is reported alone, for retry', async () => {
  const store = new InMemoryCaseStore();
  const original = store.openCase.bind(store);
  store.openCase = async (careCase, message) => {
    if (careCase.caseId === 'x-2') throw new Error('throttled');
    return original(careCase, message);
  };
  const consumer = createTriageConsumer({
    directory: demoDirectory(),
    store,
    sentiment: new StubSentiment(),
    deadLetters: new RecordingDeadLetters(),
  });
  const response = await consumer(
    event([JSON.stringify(interaction('1')), JSON.stringify(interaction('2'))]),
  );
  assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: 'm1' }]);
  assert.ok(store.cases.has('x-1'));
});

test('when the classifier is down, every valid record is retried and none is lost', async () => {
  const sentiment = new StubSentiment();
  sentiment.classify = async () => {
    throw new Error('Comprehend unavailable');
  };
  const consumer = createTriageConsumer({
    directory: demoDirectory(),
    store: new InMemoryCaseStore(),
    sentiment,
    deadLetters: new RecordingDeadLetters(),
  });
  const response = await consumer(
    event([JSON.stringify(interaction('1')), JSON.stringify(interaction('2'))]),
  );
  assert.deepEqual(
    response.batchItemFailures.map((f) => f.itemIdentifier),
    ['m0', 'm1'],
  );
});

test('if parking fails, the malformed record stays on the queue', async () => {
  const deadLetters = new RecordingDeadLetters();
  deadLetters.park = async () => {
    throw new Error('SQS down');
  };
  const consumer = createTriageConsumer({
    directory: demoDirectory(),
    store: new InMemoryCaseStore(),
    sentiment: new StubSentiment(),
    deadLetters,
  });
  const response = await consumer(event(['{']));
  assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: 'm0' }]);
});
