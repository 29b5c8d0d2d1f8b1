import assert from 'node:assert/strict';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { test } from '@jest/globals';
import { sqsClient } from '../../functions/adapters/aws/clients';
import { SqsDeadLetters } from '../../functions/adapters/aws/sqs-queues';
import type { Interaction } from '../../functions/core/interaction';
import { startEmbeddedQueues } from '../../functions/local-runtime/embedded-queues';

const interaction: Interaction = {
  schemaVersion: 1,
  platform: 'x',
  visibility: 'public',
  kind: 'mention',
  platformMessageId: '1860000000000000777',
  brandId: 'demoair',
  account: { id: '4000001', role: 'care' },
  author: { id: '42', handle: 'traveller' },
  text: '@DemoAir my bag is lost 🧳',
  createdAt: '2026-11-23T10:00:00.000Z',
  receivedAt: '2026-11-23T10:00:05.000Z',
};

test('the ingest queue sends from the queues’ own thread; what arrives is what was sent', async () => {
  const failures: Error[] = [];
  const queues = await startEmbeddedQueues({}, (error) => failures.push(error));
  const client = sqsClient(queues.endpoint);
  try {
    await queues.ingest.enqueue([interaction]);
    const { Messages } = await client.send(
      new ReceiveMessageCommand({ QueueUrl: queues.ingestQueueUrl, MaxNumberOfMessages: 10 }),
    );
    assert.equal(Messages?.length, 1);
    assert.deepEqual(JSON.parse(Messages?.[0]?.Body ?? '{}'), interaction);
  } finally {
    client.destroy();
    await queues.stop();
  }
  assert.deepEqual(failures, [], 'a requested stop is not a failure');
});

test('a queues thread that dies is reported once, and sends fail loudly instead of waiting forever', async () => {
  const failures: Error[] = [];
  const queues = await startEmbeddedQueues({}, (error) => failures.push(error));
  await queues.thread.terminate();
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(failures.length, 1);
  assert.match(failures[0]!.message, /embedded SQS thread stopped/);
  await assert.rejects(queues.ingest.enqueue([interaction]), /embedded SQS thread stopped/);
  await queues.stop();
});

test('a parked event with an empty body reaches the DLQ as "(empty)", with its reason (SQS refuses empty bodies)', async () => {
  const queues = await startEmbeddedQueues();
  const client = sqsClient(queues.endpoint);
  try {
    await new SqsDeadLetters(client, queues.deadLetterQueueUrl).park([
      { source: 'x-webhook', reason: 'signed body is empty', body: '' },
    ]);
    const { Messages } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queues.deadLetterQueueUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
      }),
    );
    assert.equal(Messages?.length, 1);
    assert.equal(Messages?.[0]?.Body, '(empty)');
    assert.equal(Messages?.[0]?.MessageAttributes?.reason?.StringValue, 'signed body is empty');
    assert.equal(Messages?.[0]?.MessageAttributes?.source?.StringValue, 'x-webhook');
  } finally {
    client.destroy();
    await queues.stop();
  }
});
