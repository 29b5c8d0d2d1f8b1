import type { SNSEvent } from 'aws-lambda';
import { SLACK_ACK_ACTION } from '../channels/oncall/page-ack-api';
import { isSet } from '../commons/env';
import { logger } from '../commons/logger';
import { pageGoesTo } from '../core/escalation';
import type { Page, PageKind, PageSeverity } from '../core/paging';

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';
/** Each POST gets this long before it is abandoned (and the page retried). */
export const DEFAULT_TIMEOUT_MS = 5000;

const KINDS: readonly PageKind[] = [
  'deadline_warning',
  'deadline_breach',
  'deadline_repeat',
  'risk',
  'spike',
  'account_revoked',
  'x_spend',
  'x_webhook',
  'x_authorization',
];
const SEVERITIES: readonly PageSeverity[] = ['warning', 'critical'];

export type PageTarget = 'slack' | 'pagerduty';

/** Where pages go; a missing target is off. */
export interface PageTargets {
  slackWebhookUrl?: string;
  pagerDutyRoutingKey?: string;
}

export class MalformedPageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedPageError';
  }
}

export class PageTargetsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PageTargetsError';
  }
}

/** A target refused the page or did not answer; the message names the targets, never the page's text. */
export class PageDeliveryError extends Error {
  constructor(
    message: string,
    readonly targets: PageTarget[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PageDeliveryError';
  }
}

/**
 * The targets from the secret's fields `slackWebhookUrl` and `pagerDutyRoutingKey`: empty or
 * REPLACE_ME… means off. A webhook URL that is not https is refused (the value is not repeated).
 */
export function pageTargetsFrom(secret: Record<string, unknown>): PageTargets {
  const targets: PageTargets = {};
  if (isSet(secret.slackWebhookUrl)) {
    let url: URL | undefined;
    try {
      url = new URL(secret.slackWebhookUrl.trim());
    } catch {}
    if (url?.protocol !== 'https:')
      throw new PageTargetsError('slackWebhookUrl is not an https URL (a Slack incoming webhook URL)');
    targets.slackWebhookUrl = url.href;
  }
  if (isSet(secret.pagerDutyRoutingKey)) targets.pagerDutyRoutingKey = secret.pagerDutyRoutingKey.trim();
  return targets;
}

/** The pager's resolve notice (SnsPager.resolve): the page's incident is over. */
export interface ResolveNotice {
  notice: 'resolve';
  pageId: string;
  brandId: string;
  kind: PageKind;
  severity: PageSeverity;
  at: string;
}

/** A page, or a resolve notice, as the pager published it. */
export function parsePageMessage(message: string): Page | ResolveNotice {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    throw new MalformedPageError('the SNS message is not JSON');
  }
  const notice = value as Partial<ResolveNotice>;
  if (notice?.notice === 'resolve') {
    if (typeof notice.pageId !== 'string' || !notice.pageId || typeof notice.brandId !== 'string')
      throw new MalformedPageError('not a resolve notice: pageId or brandId missing');
    return value as ResolveNotice;
  }
  return parsePage(message);
}

/** The page the pager published (SNS `lambda` protocol: the page as JSON). */
export function parsePage(message: string): Page {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    throw new MalformedPageError('the SNS message is not JSON');
  }
  const page = value as Partial<Record<keyof Page, unknown>>;
  const problems: string[] = [];
  for (const field of ['pageId', 'brandId', 'title', 'text', 'createdAt'] as const) {
    if (typeof page?.[field] !== 'string' || page[field] === '') problems.push(`${field} missing`);
  }
  if (!KINDS.includes(page?.kind as PageKind)) problems.push('kind unknown');
  if (!SEVERITIES.includes(page?.severity as PageSeverity)) problems.push('severity unknown');
  for (const field of ['caseId', 'link'] as const) {
    if (page?.[field] !== undefined && typeof page[field] !== 'string')
      problems.push(`${field} not a string`);
  }
  if (problems.length) throw new MalformedPageError(`not a page: ${problems.join(', ')}`);
  return value as Page;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Slack reads &, < and > in mrkdwn as markup: escaped, a customer's words stay words. */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escaped, then cut without leaving half an entity. */
function mrkdwn(text: string, max: number): string {
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= max) return escaped;
  return `${escaped.slice(0, max - 1).replace(/&[a-z]{0,3}$/, '')}…`;
}

type SlackText = { type: 'plain_text' | 'mrkdwn'; text: string };
export type SlackBlock =
  | { type: 'header'; text: SlackText }
  | { type: 'section'; text: SlackText }
  | { type: 'context'; elements: SlackText[] }
  | {
      type: 'actions';
      elements: Array<
        | { type: 'button'; text: SlackText; url: string }
        | { type: 'button'; text: SlackText; action_id: string; value: string; style: 'primary' }
      >;
    };

export interface SlackMessage {
  /** The notification and fallback text. */
  text: string;
  blocks: SlackBlock[];
}

/** The body POSTed to a Slack incoming webhook (Block Kit limits: header 150, section 3000 characters). */
export function slackMessage(page: Page): SlackMessage {
  const label = page.severity === 'critical' ? 'CRITICAL' : 'Warning';
  const facts = [
    `*${label}*`,
    page.kind,
    `brand ${escapeMrkdwn(page.brandId)}`,
    ...(page.caseId ? [`case ${escapeMrkdwn(page.caseId)}`] : []),
  ];
  if (page.levels && page.levels > 1) {
    facts.push(`level ${page.level} of ${page.levels}: ${escapeMrkdwn(page.levelName ?? '')}`);
  }
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(page.title, 150) } },
    { type: 'section', text: { type: 'mrkdwn', text: mrkdwn(page.text, 3000) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: facts.join(' · ') }] },
  ];
  const buttons: Extract<SlackBlock, { type: 'actions' }>['elements'] = [];
  // Slack sends the click to the app's interactivity URL (/webhooks/slack/actions), signed.
  if (page.ackToken) {
    buttons.push({
      type: 'button',
      text: { type: 'plain_text', text: 'Acknowledge' },
      action_id: SLACK_ACK_ACTION,
      value: page.ackToken,
      style: 'primary',
    });
  }
  if (page.link)
    buttons.push({ type: 'button', text: { type: 'plain_text', text: 'Open case' }, url: page.link });
  if (buttons.length) blocks.push({ type: 'actions', elements: buttons });
  return { text: `${label}: ${mrkdwn(page.title, 1000)}`, blocks };
}

export interface PagerDutyResolveEvent {
  routing_key: string;
  event_action: 'resolve';
  dedup_key: string;
}

/** Events API v2 `resolve`: the incident the page opened (same dedup_key) is over. */
export function pagerDutyResolveEvent(
  notice: Pick<ResolveNotice, 'pageId'>,
  routingKey: string,
): PagerDutyResolveEvent {
  return { routing_key: routingKey, event_action: 'resolve', dedup_key: notice.pageId };
}

export interface PagerDutyEvent {
  routing_key: string;
  event_action: 'trigger';
  dedup_key: string;
  payload: {
    summary: string;
    source: 'socialcare';
    severity: PageSeverity;
    timestamp: string;
    class: PageKind;
    custom_details: {
      brandId: string;
      caseId?: string;
      link?: string;
      text: string;
      level?: number;
      levelName?: string;
    };
  };
  links?: Array<{ href: string; text: string }>;
}

/**
 * A PagerDuty Events API v2 trigger. dedup_key is the page id, so a retried page (or the same page
 * published twice) stays one incident.
 */
export function pagerDutyEvent(page: Page, routingKey: string): PagerDutyEvent {
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: page.pageId,
    payload: {
      summary: cut(page.title, 1024),
      source: 'socialcare',
      severity: page.severity,
      timestamp: page.createdAt,
      class: page.kind,
      custom_details: {
        brandId: page.brandId,
        ...(page.caseId ? { caseId: page.caseId } : {}),
        ...(page.link ? { link: page.link } : {}),
        text: page.text,
        ...(page.level ? { level: page.level, levelName: page.levelName ?? '' } : {}),
      },
    },
    ...(page.link ? { links: [{ href: page.link, text: 'Open case' }] } : {}),
  };
}

export interface ForwardDeps {
  fetch: typeof fetch;
  /** The Events API v2 URL (PAGERDUTY_EVENTS_URL; locally the stand-in). @default PAGERDUTY_EVENTS_URL */
  pagerDutyEventsUrl?: string;
  /** @default DEFAULT_TIMEOUT_MS */
  timeoutMs?: number;
}

async function post(target: PageTarget, url: string, body: unknown, deps: ForwardDeps): Promise<void> {
  let response: Response;
  try {
    response = await deps.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(deps.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
  } catch (error) {
    const reason = (error as Error).name === 'TimeoutError' ? 'timed out' : 'could not be reached';
    throw new PageDeliveryError(`${target} ${reason}`, [target], { cause: error });
  }
  if (!response.ok) {
    // Slack answers with a short code (invalid_payload, no_service), PagerDuty with a short JSON reason.
    const detail = (await response.text().catch(() => '')).slice(0, 200);
    throw new PageDeliveryError(`${target} answered ${response.status}${detail ? `: ${detail}` : ''}`, [
      target,
    ]);
  }
}

/**
 * Sends the page to every configured target at once and returns those it reached. When any failed it
 * throws, naming them, so the page is retried: PagerDuty then keeps one incident (dedup_key), while
 * Slack may show the page twice, which beats a page lost.
 */
export async function forwardPage(
  page: Page | ResolveNotice,
  targets: PageTargets,
  deps: ForwardDeps,
): Promise<PageTarget[]> {
  const sends: Array<[PageTarget, Promise<void>]> = [];
  const pagerDutyUrl = deps.pagerDutyEventsUrl ?? PAGERDUTY_EVENTS_URL;
  // A resolve notice goes to PagerDuty only (Slack and people were paged; nothing to page now).
  if ('notice' in page) {
    if (targets.pagerDutyRoutingKey) {
      sends.push([
        'pagerduty',
        post('pagerduty', pagerDutyUrl, pagerDutyResolveEvent(page, targets.pagerDutyRoutingKey), deps),
      ]);
    }
  } else {
    // Each level of a chain goes to its own targets.
    if (targets.slackWebhookUrl && pageGoesTo(page, 'slack')) {
      sends.push(['slack', post('slack', targets.slackWebhookUrl, slackMessage(page), deps)]);
    }
    if (targets.pagerDutyRoutingKey && pageGoesTo(page, 'pagerduty')) {
      sends.push([
        'pagerduty',
        post('pagerduty', pagerDutyUrl, pagerDutyEvent(page, targets.pagerDutyRoutingKey), deps),
      ]);
    }
  }
  const results = await Promise.allSettled(sends.map(([, send]) => send));
  const failed = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as Error] : []));
  if (failed.length) {
    const failedTargets = failed.flatMap((e) => (e instanceof PageDeliveryError ? e.targets : []));
    throw new PageDeliveryError(failed.map((e) => e.message).join('; '), failedTargets, {
      cause: failed.length === 1 ? failed[0] : new AggregateError(failed),
    });
  }
  return sends.map(([target]) => target);
}

export interface PageForwarderDeps extends ForwardDeps {
  /** The configured targets (read once per cold start by the handler). */
  targets: () => Promise<PageTargets>;
}

/**
 * The SNS subscriber: forwards each page to Slack and PagerDuty. Pages hold customers' words, so only
 * the page id and kind are logged. Throws when a page was not delivered, so Lambda retries it and,
 * after the last retry, parks it in the failures queue.
 */
export function createPageForwarder(deps: PageForwarderDeps): (event: SNSEvent) => Promise<void> {
  return async (event) => {
    const targets = await deps.targets();
    for (const record of event.Records) {
      const page = parsePageMessage(record.Sns.Message);
      const ids = { pageId: page.pageId, kind: page.kind };
      if (!targets.slackWebhookUrl && !targets.pagerDutyRoutingKey) {
        logger.info('page not forwarded: no Slack webhook or PagerDuty routing key configured', ids);
        continue;
      }
      try {
        const reached = await forwardPage(page, targets, deps);
        logger.info('page forwarded', { ...ids, targets: reached });
      } catch (error) {
        logger.error('page not forwarded; will retry', {
          ...ids,
          failed: error instanceof PageDeliveryError ? error.targets : [],
          reason: (error as Error).message,
        });
        throw error;
      }
    }
  };
}
