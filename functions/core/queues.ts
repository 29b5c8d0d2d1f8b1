import type { Interaction } from './interaction';

/** Where webhooks put interactions for triage (SQS). */
export interface InteractionQueue {
  enqueue(interactions: Interaction[]): Promise<void>;
}

export interface ParkedEvent {
  /** Where it came from, e.g. "x-webhook" or "triage". */
  source: string;
  reason: string;
  /** The event as received, so it can be inspected and re-driven. */
  body: string;
}

/** The dead-letter queue: where events that cannot be processed are kept with their reason. */
export interface DeadLetters {
  park(events: ParkedEvent[]): Promise<void>;
}
