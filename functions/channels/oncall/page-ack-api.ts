import {
  type HttpEvent,
  type HttpResult,
  header,
  json,
  MAX_WEBHOOK_BODY_BYTES,
  method,
  problem,
  rawBody,
} from '../../commons/http';
import { logger } from '../../commons/logger';
import type { AuditLog } from '../../core/access/audit';
import { type AckOutcome, acknowledgePage } from '../../core/page-escalation';
import type { PageStore } from '../../core/paging';
import { AckTokenError, verifyAckToken } from './ack-token';
import { verifyPagerDutySignature } from './pagerduty-signature';
import { verifySlackSignature } from './slack-signature';

/** The action id of the Slack page's "Acknowledge" button (its value is the page's signed ack token). */
export const SLACK_ACK_ACTION = 'socialcare_ack';

export const PAGE_ACK_ROUTES = [
  'GET /pages/ack',
  'POST /pages/ack',
  'POST /webhooks/slack/actions',
  'POST /webhooks/pagerduty',
] as const;

export interface PageAckApiDeps {
  pages: PageStore;
  audit: AuditLog;
  /** The deployment's ack-link key. */
  ackKey: () => Promise<string>;
  /** The Slack app's signing secret; undefined: Slack acknowledgements are off (401). */
  slackSigningSecret: () => Promise<string | undefined>;
  /** The PagerDuty v3 webhook subscription's secret; undefined: off (401). */
  pagerDutyWebhookSecret: () => Promise<string | undefined>;
  now?: () => Date;
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

function html(statusCode: number, title: string, body: string): HttpResult {
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
      'x-frame-options': 'DENY',
    },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title><style>body{font:16px system-ui;margin:3em auto;max-width:32em}button{font-size:1.2em;padding:.5em 1.5em}</style></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
  };
}

/** What an acknowledgement answered says: the page's kind and level, who was first; never the customer. */
function describe(result: Exclude<AckOutcome, { outcome: 'not_found' }>): string {
  const page = result.page;
  const level =
    page.levels && page.levels > 1 ? `, level ${page.level} of ${page.levels} (${page.levelName})` : '';
  const who = `${page.acknowledgedByName ?? page.acknowledgedBy} via ${page.acknowledgedVia} at ${page.acknowledgedAt}`;
  return result.outcome === 'acknowledged'
    ? `Page ${page.kind} for ${page.brandId}${level} acknowledged: ${who}. The chain stops climbing.`
    : `Page ${page.kind} for ${page.brandId}${level} was already acknowledged by ${who}.`;
}

function formField(body: Buffer, name: string): string | undefined {
  return new URLSearchParams(body.toString('utf8')).get(name) ?? undefined;
}

/**
 * Acknowledging a page without signing in, each way verified before anything is read or stored: the
 * signed link in the page (GET shows a button, so a mail scanner's fetch acknowledges nothing; POST
 * acknowledges), Slack's "Acknowledge" button (Slack's v0 signature, then the ack token on the
 * button), and PagerDuty's acknowledge (a v3 webhook `incident.acknowledged`, its signature, the
 * incident's key being the page id).
 */
export function createPageAckApi(deps: PageAckApiDeps): (event: HttpEvent) => Promise<HttpResult> {
  const now = () => deps.now?.() ?? new Date();

  async function ackLink(event: HttpEvent): Promise<HttpResult> {
    const verb = method(event);
    const body = rawBody(event);
    const token = (verb === 'POST' ? formField(body, 't') : undefined) ?? event.queryStringParameters?.t;
    if (!token) return html(400, 'Not an acknowledgement link', '<p>The link has no token.</p>');
    let pageId: string;
    try {
      pageId = verifyAckToken(await deps.ackKey(), token, now());
    } catch (error) {
      if (error instanceof AckTokenError)
        return html(403, 'Link refused', `<p>${escapeHtml(error.message)}.</p>`);
      throw error;
    }
    if (verb === 'GET') {
      return html(
        200,
        'Acknowledge this page?',
        `<form method="post" action="ack"><input type="hidden" name="t" value="${escapeHtml(token)}"><button type="submit">Acknowledge</button></form><p>The page stops climbing to the next level.</p>`,
      );
    }
    const result = await acknowledgePage(
      pageId,
      { by: 'link', byName: 'acknowledgement link', via: 'link', role: 'link' },
      deps,
    );
    if (result.outcome === 'not_found') return html(404, 'No such page', '<p>The page no longer exists.</p>');
    return html(
      200,
      result.outcome === 'acknowledged' ? 'Acknowledged' : 'Already acknowledged',
      `<p>${escapeHtml(describe(result))}</p>`,
    );
  }

  async function slackAction(event: HttpEvent): Promise<HttpResult> {
    const body = rawBody(event);
    const secret = await deps.slackSigningSecret();
    if (
      !secret ||
      !verifySlackSignature(
        secret,
        header(event, 'x-slack-request-timestamp'),
        header(event, 'x-slack-signature'),
        body,
        now(),
      )
    ) {
      return problem(401, 'missing or wrong Slack signature');
    }
    let payload: {
      type?: string;
      user?: { id?: string; username?: string; name?: string };
      actions?: Array<{ action_id?: string; value?: string }>;
    };
    try {
      payload = JSON.parse(formField(body, 'payload') ?? '');
    } catch {
      return problem(400, 'expected a Slack interaction payload (payload=<json>)');
    }
    const action = payload.actions?.find((a) => a.action_id === SLACK_ACK_ACTION);
    if (payload.type !== 'block_actions' || !action?.value || !payload.user?.id) {
      return json(200, { text: 'Nothing to do.' });
    }
    let pageId: string;
    try {
      pageId = verifyAckToken(await deps.ackKey(), action.value, now());
    } catch (error) {
      if (error instanceof AckTokenError)
        return json(200, { response_type: 'ephemeral', replace_original: false, text: `${error.message}.` });
      throw error;
    }
    const user = payload.user;
    const result = await acknowledgePage(
      pageId,
      { by: `slack:${user.id}`, byName: user.username ?? user.name ?? user.id!, via: 'slack', role: 'slack' },
      deps,
    );
    const text = result.outcome === 'not_found' ? 'The page no longer exists.' : describe(result);
    return json(200, { response_type: 'ephemeral', replace_original: false, text });
  }

  async function pagerDutyWebhook(event: HttpEvent): Promise<HttpResult> {
    const body = rawBody(event);
    const secret = await deps.pagerDutyWebhookSecret();
    if (!secret || !verifyPagerDutySignature(secret, header(event, 'x-pagerduty-signature'), body)) {
      return problem(401, 'missing or wrong X-PagerDuty-Signature');
    }
    let payload: {
      event?: {
        event_type?: string;
        agent?: { id?: string; summary?: string } | null;
        data?: { incident_key?: string; type?: string };
      };
    };
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      return problem(400, 'expected a PagerDuty v3 webhook (JSON)');
    }
    const pdEvent = payload.event;
    const pageId = pdEvent?.data?.incident_key;
    // Other event types (triggered, resolved, annotated...) and other integrations' incidents: nothing to do.
    if (pdEvent?.event_type !== 'incident.acknowledged' || typeof pageId !== 'string')
      return json(200, { ignored: true });
    const agent = pdEvent.agent;
    const result = await acknowledgePage(
      pageId,
      {
        by: `pagerduty:${agent?.id ?? 'unknown'}`,
        byName: agent?.summary ?? 'PagerDuty',
        via: 'pagerduty',
        role: 'pagerduty',
      },
      deps,
    );
    return json(200, { outcome: result.outcome });
  }

  return async (event) => {
    const path = event.rawPath.replace(/\/+$/, '');
    const verb = method(event);
    if (rawBody(event).length > MAX_WEBHOOK_BODY_BYTES) return problem(413, 'body too large');
    try {
      if (path === '/pages/ack' && (verb === 'GET' || verb === 'POST')) return await ackLink(event);
      if (path === '/webhooks/slack/actions' && verb === 'POST') return await slackAction(event);
      if (path === '/webhooks/pagerduty' && verb === 'POST') return await pagerDutyWebhook(event);
      return problem(404, 'no such route');
    } catch (error) {
      logger.error('page acknowledgement failed', { error: error as Error, path });
      return problem(500, 'internal error');
    }
  };
}
