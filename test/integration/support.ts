import { availableParallelism, loadavg } from 'node:os';
import { GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { signXPayload } from '../../functions/channels/x/signature';

export const X_SECRET = 'integration-consumer-secret';
export const API_TOKEN = 'integration-token';

/**
 * How much longer than on a quiet machine a wait may take now: the load per core (1 when quiet, up to
 * 10). A wait for a state gives up only after its time scaled by this, so a loaded machine is slower,
 * never red.
 */
export function loadScale(): number {
  return Math.min(10, Math.max(1, loadavg()[0]! / availableParallelism()));
}

/**
 * Polls until `probe` gives a value. The deadline is generous on purpose: polling returns as soon as the
 * state is reached, and a machine loaded by other work may take many times longer than a quiet one.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 90_000,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() - started > timeoutMs * loadScale())
      throw new Error(`timed out waiting for ${what} (${Math.round((Date.now() - started) / 1000)} s)`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function postX(
  url: string,
  body: string,
  signature: string | undefined = signXPayload(X_SECRET, body),
) {
  const response = await fetch(`${url}/webhooks/x`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(signature ? { 'x-twitter-webhooks-signature': signature } : {}),
    },
    body,
  });
  return { status: response.status, body: await response.json() };
}

export async function api(url: string, path: string, token: string | null = API_TOKEN) {
  const response = await fetch(`${url}${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export async function queueDepth(client: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0)
  );
}

export async function receiveAll(client: SQSClient, queueUrl: string) {
  const { Messages = [] } = await client.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      MessageAttributeNames: ['All'],
      WaitTimeSeconds: 0,
    }),
  );
  return Messages;
}
