import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * PagerDuty's Events API v2 (`POST /v2/enqueue`), locally: checks an event as PagerDuty documents it
 * (routing_key, event_action trigger | acknowledge | resolve, dedup_key; a trigger's payload summary,
 * source and severity), answers 202 `{"status":"success","message":"Event processed","dedup_key"}`
 * or 400 `{"status":"invalid event","message","errors"}`, and keeps every accepted event so the local
 * system and the tests can see triggers and resolves (`GET /pagerduty/events`). The system is pointed
 * here with PAGERDUTY_EVENTS_URL, as X calls go to X_API_BASE_URL.
 */
export interface PagerDutyStandInEvent {
  routing_key: string;
  event_action: 'trigger' | 'acknowledge' | 'resolve';
  dedup_key: string;
  payload?: {
    summary?: string;
    severity?: string;
    source?: string;
    custom_details?: Record<string, unknown>;
  };
  receivedAt: string;
}

export interface PagerDutyStandIn {
  readonly events: PagerDutyStandInEvent[];
  /** Each dedup key's incident as PagerDuty would have it: triggered, acknowledged or resolved. */
  incidentStatus(dedupKey: string): 'triggered' | 'acknowledged' | 'resolved' | undefined;
  handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean>;
}

const ACTIONS = ['trigger', 'acknowledge', 'resolve'];
const SEVERITIES = ['critical', 'error', 'warning', 'info'];

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

export function createPagerDutyStandIn(): PagerDutyStandIn {
  const events: PagerDutyStandInEvent[] = [];
  const status = new Map<string, 'triggered' | 'acknowledged' | 'resolved'>();
  return {
    events,
    incidentStatus: (dedupKey) => status.get(dedupKey),
    async handle(request, response, url) {
      if (request.method === 'GET' && url.pathname === '/pagerduty/events') {
        send(response, 200, { events });
        return true;
      }
      if (url.pathname !== '/v2/enqueue') return false;
      if (request.method !== 'POST') {
        send(response, 405, { status: 'invalid event', message: 'POST only' });
        return true;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      let event: Record<string, unknown>;
      try {
        event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        send(response, 400, {
          status: 'invalid event',
          message: 'Event object is invalid',
          errors: ['not JSON'],
        });
        return true;
      }
      const errors: string[] = [];
      if (typeof event.routing_key !== 'string' || event.routing_key.length !== 32)
        errors.push("'routing_key' must be a 32 character integration key");
      if (!ACTIONS.includes(event.event_action as string))
        errors.push("'event_action' must be one of trigger, acknowledge, resolve");
      const payload = event.payload as PagerDutyStandInEvent['payload'] | undefined;
      if (event.event_action === 'trigger') {
        if (!payload?.summary || payload.summary.length > 1024)
          errors.push("'payload.summary' is required (at most 1024)");
        if (!payload?.source) errors.push("'payload.source' is required");
        if (!SEVERITIES.includes(payload?.severity as string)) errors.push("'payload.severity' is invalid");
      } else if (typeof event.dedup_key !== 'string' || !event.dedup_key) {
        errors.push("'dedup_key' is required for acknowledge and resolve");
      }
      if (typeof event.dedup_key === 'string' && event.dedup_key.length > 255)
        errors.push("'dedup_key' is too long");
      if (errors.length) {
        send(response, 400, { status: 'invalid event', message: 'Event object is invalid', errors });
        return true;
      }
      const dedupKey = (event.dedup_key as string | undefined) ?? `standin-${events.length + 1}`;
      const action = event.event_action as PagerDutyStandInEvent['event_action'];
      events.push({
        routing_key: event.routing_key as string,
        event_action: action,
        dedup_key: dedupKey,
        ...(payload ? { payload } : {}),
        receivedAt: new Date().toISOString(),
      });
      const current = status.get(dedupKey);
      if (action === 'trigger' && current !== 'acknowledged') status.set(dedupKey, 'triggered');
      if (action === 'acknowledge' && current && current !== 'resolved') status.set(dedupKey, 'acknowledged');
      if (action === 'resolve' && current) status.set(dedupKey, 'resolved');
      send(response, 202, { status: 'success', message: 'Event processed', dedup_key: dedupKey });
      return true;
    },
  };
}
