import type { IngestItem } from './interaction';

/** Where webhooks put interactions (and account events) for triage (SQS). */
export interface InteractionQueue {
  enqueue(items: IngestItem[]): Promise<void>;
}

export interface ParkedEvent {
  /** Where it came from, e.g. "x-webhook" or "triage". */
  source: string;
  reason: string;
  /** The event as received, so it can be inspected and re-driven. */
  body: string;
  /**
   * What earlier parkings of the same record said (JSON from `socialcare dlq redrive`, oldest first), so
   * a record sent back and parked again keeps its first reason beside the new one.
   */
  earlier?: string;
}

/** The dead-letter queue: where events that cannot be processed are kept with their reason. */
export interface DeadLetters {
  park(events: ParkedEvent[]): Promise<void>;
}
