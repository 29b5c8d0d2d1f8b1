import { Worker } from 'node:worker_threads';
import type { IngestItem as Interaction } from '../core/interaction';
import type { InteractionQueue } from '../core/queues';

/** Queue and topic names of the embedded SQS/SNS (`socialcare dlq` finds the queues by these names). */
export const LOCAL_QUEUE_NAMES = {
  deadLetters: 'socialcare-dead-letters',
  ingest: 'socialcare-ingest',
  outbox: 'socialcare-outbox',
  pages: 'socialcare-local-pages',
  oncallTopic: 'socialcare-oncall',
} as const;

export interface EmbeddedQueueUrls {
  endpoint: string;
  ingestQueueUrl: string;
  outboxQueueUrl: string;
  deadLetterQueueUrl: string;
  oncallTopicArn: string;
  /** Subscribed to the on-call topic: what the local runtime shows as pages. */
  pagesQueueUrl: string;
}

export interface EmbeddedQueues extends EmbeddedQueueUrls {
  /**
   * The ingest queue, sent to from the queues' own thread (the same SQS adapter the webhook Lambdas
   * use): the caller's thread only hands the interactions over.
   */
  ingest: InteractionQueue;
  /** The queues' worker thread (diagnostics; a test ends it to see a failure handled). */
  readonly thread: Worker;
  stop(): Promise<void>;
}

export interface QueueThreadSettings {
  port?: number;
  visibilityTimeoutSeconds?: number;
}
export type QueueThreadRequest =
  | { type: 'enqueue'; id: number; interactions: Interaction[] }
  | { type: 'stop' };
export type QueueThreadReply =
  | { type: 'ready'; queues: EmbeddedQueueUrls }
  | { type: 'enqueued'; id: number; error?: string }
  | { type: 'stopped' };

/**
 * fauxqs (embedded SQS/SNS) on loopback with the stack's queues and on-call topic, in a worker thread
 * together with the sends to the ingest queue. An AWS SDK call and fauxqs's handling of it cost several
 * times what verifying and journaling a webhook does; on their own thread they use the second core
 * instead of delaying the answers to the platforms. Everything else reaches the queues over loopback
 * with the AWS SDK, as in AWS.
 */
export async function startEmbeddedQueues(
  options: QueueThreadSettings = {},
  /** Called once if the queues' thread fails after it was ready: nothing can be queued any more. */
  onFailure?: (error: Error) => void,
): Promise<EmbeddedQueues> {
  const worker = new Worker(new URL('./thread-bootstrap.mjs', import.meta.url), {
    workerData: { entry: new URL('./queue-thread.ts', import.meta.url).href, settings: options },
  });
  const waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  let failure: Error | undefined;
  let started = false;
  let stopRequested = false;
  const fail = (error: Error) => {
    const first = failure === undefined;
    failure ??= error;
    for (const { reject } of waiting.values()) reject(failure);
    waiting.clear();
    if (first && started && !stopRequested) onFailure?.(failure);
  };
  let stopped: (() => void) | undefined;
  const ready = new Promise<EmbeddedQueueUrls>((resolve, reject) => {
    worker.on('message', (message: QueueThreadReply) => {
      if (message.type === 'ready') resolve(message.queues);
      else if (message.type === 'stopped') stopped?.();
      else {
        const pending = waiting.get(message.id);
        waiting.delete(message.id);
        if (message.error) pending?.reject(new Error(`embedded SQS: ${message.error}`));
        else pending?.resolve();
      }
    });
    worker.once('error', (error) => {
      reject(error);
      fail(new Error(`embedded SQS thread failed: ${error.message}`));
    });
    worker.once('exit', (code) => {
      reject(new Error(`embedded SQS thread exited with code ${code} before it was ready`));
      fail(new Error(`embedded SQS thread stopped (exit code ${code})`));
    });
  });
  const queues = await ready;
  started = true;

  let next = 0;
  const ingest: InteractionQueue = {
    enqueue(interactions) {
      if (!interactions.length) return Promise.resolve();
      if (failure) return Promise.reject(failure);
      return new Promise<void>((resolve, reject) => {
        const id = next++;
        waiting.set(id, { resolve, reject });
        worker.postMessage({ type: 'enqueue', id, interactions } satisfies QueueThreadRequest);
      });
    },
  };

  let stopping: Promise<void> | undefined;
  return {
    ...queues,
    ingest,
    thread: worker,
    stop() {
      stopRequested = true;
      stopping ??= (async () => {
        if (failure) {
          await worker.terminate();
          return;
        }
        const done = new Promise<void>((resolve) => {
          stopped = resolve;
        });
        worker.postMessage({ type: 'stop' } satisfies QueueThreadRequest);
        const timer = setTimeout(() => void worker.terminate(), 5000);
        await Promise.race([done, new Promise((resolve) => worker.once('exit', resolve))]);
        clearTimeout(timer);
        await worker.terminate();
      })();
      return stopping;
    },
  };
}
