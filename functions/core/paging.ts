import { chainFor, type EscalationConfig, type EscalationState, levelState } from './escalation';
/**
 * Pages to on-call staff: deadline warnings and breaches, high-risk posts, negative spikes.
 * A page has a deterministic id, is recorded before it is published (so it is sent once even when
 * two monitors overlap) and is republished if a sender died between the two.
 */
export type PageKind =
  | 'deadline_warning'
  | 'deadline_breach'
  | 'deadline_repeat'
  | 'risk'
  | 'spike'
  | 'account_revoked'
  /** X reads (polling, listening) reached the warning share or the whole of the brand's monthly cap. */
  | 'x_spend'
  /** X marked our webhook invalid and it could not be re-validated, or the missed events not replayed. */
  | 'x_webhook'
  /** An X account's OAuth 2.0 grant is gone (refused refresh token): someone must authorize again. */
  | 'x_authorization'
  /** A new negative or risky case at a location, to one of its local managers (`recipient`). */
  | 'location_alert'
  /** A local manager's daily list of their locations' negative or risky cases (`recipient`). */
  | 'location_digest';
export type PageSeverity = 'warning' | 'critical';

export interface Page {
  pageId: string;
  kind: PageKind;
  severity: PageSeverity;
  brandId: string;
  caseId?: string;
  /** One line: who and what. */
  title: string;
  /** The whole message: who, what, how long left or overdue, and the link. */
  text: string;
  link?: string;
  createdAt: string;
  /**
   * The one agent (a local manager) the page is for: only subscriptions filtering on their id get it,
   * on-call's never do. Absent: an on-call page.
   */
  recipient?: string;
  /**
   * The recipient's e-mail address as a digest (`addressKey`), never the address: the e-mail
   * subscription filters on it, so two managers sharing an address share one subscription.
   */
  recipientAddress?: string;
  /** The location code a local manager's page is about. */
  location?: string;
  /** Its place in the brand's escalation chain (absent: a page from before chains, every target). */
  level?: number;
  levelName?: string;
  levels?: number;
  targets?: EscalationState['targets'];
  escalateAt?: string;
  /**
   * Published only, never stored: the signed link that acknowledges this page without signing in
   * (`/pages/ack?t=...`), also the Slack button's value.
   */
  ackUrl?: string;
  ackToken?: string;
}

export type AckChannel = 'console' | 'link' | 'slack' | 'pagerduty';

export interface PageAcknowledgement {
  /** An agent id, or `slack:<user id>`, `pagerduty:<user id>`, `link`. */
  by: string;
  /** A display name (the agent's, the Slack user's, the PagerDuty user's). */
  byName: string;
  via: AckChannel;
  at: string;
}

export interface PageRecord extends Page {
  status: 'pending' | 'published';
  publishedAt?: string;
  acknowledgedBy?: string;
  acknowledgedByName?: string;
  acknowledgedVia?: AckChannel;
  acknowledgedAt?: string;
  /** The chain stopped: the case was answered or resolved (the PagerDuty incident is resolved then). */
  stoppedAt?: string;
  stopReason?: 'answered' | 'resolved';
}

export interface PageStore {
  /** Records a new page as pending; 'duplicate' when a page with its id exists. */
  createPage(page: Page): Promise<'created' | 'duplicate'>;
  /** Published; with `escalateAt` it waits on the escalation index until then. */
  markPublished(pageId: string, at: string, escalateAt?: string): Promise<void>;
  /** Pending pages created before `before`: a publisher died after recording them. */
  listUnpublished(before: string): Promise<PageRecord[]>;
  listPages(limit: number, brandId?: string): Promise<PageRecord[]>;
  /** The pages with these ids that exist (a case's pages have ids derived from the case). */
  getPages(pageIds: string[]): Promise<PageRecord[]>;
  /** Records the first acknowledgement (a conditional write): 'already' when someone was first. */
  acknowledge(pageId: string, ack: PageAcknowledgement): Promise<'acknowledged' | 'already' | 'not_found'>;
  /** Pages on the escalation index whose time has come. */
  listDueEscalations(now: string): Promise<PageRecord[]>;
  /**
   * Moves an unacknowledged, unstopped page from level `from` to the next (a conditional write, so two
   * monitors never climb twice) and marks it pending until published; 'conflict' when it lost.
   */
  climb(pageId: string, from: number, next: EscalationState, at: string): Promise<'climbed' | 'conflict'>;
  /** Stops the chain once (conditional): 'already' when it was stopped. */
  stop(pageId: string, reason: 'answered' | 'resolved', at: string): Promise<'stopped' | 'already'>;
  /** Takes an acknowledged or finished page off the escalation index. */
  clearEscalation(pageId: string): Promise<void>;
}

/**
 * The ids a case's pages can have: a risk page per customer post (record-interactions), and a
 * warning, breach or repeat page per deadline step on its SLA history (sla-monitor).
 */
export function pageIdsOfCase(
  careCase: { caseId: string; slaHistory?: Array<{ kind: string; dueAt: string; step: string }> },
  inbound: Array<{ platform: string; platformMessageId: string }>,
): string[] {
  return [
    ...new Set([
      ...inbound.map((m) => riskPageId(m.platform, m.platformMessageId)),
      // The monitor names a deadline `<kind>@<dueAt>` (sla.ts scheduleSla).
      ...(careCase.slaHistory ?? []).map((s) => slaPageId(careCase.caseId, `${s.kind}@${s.dueAt}`, s.step)),
    ]),
  ];
}

export const riskPageId = (platform: string, platformMessageId: string) =>
  `risk:${platform}:${platformMessageId}`;
export const slaPageId = (caseId: string, deadline: string, step: string) =>
  `sla:${caseId}:${deadline}:${step}`;

/** Where pages go: SNS in AWS (and on to e-mail, SMS, Slack, PagerDuty), the embedded SNS locally. */
export interface Pager {
  publish(page: Page): Promise<void>;
  /**
   * Tells the targets the page's incident is over (PagerDuty: an Events API v2 `resolve` with the
   * page id as dedup_key); people are not paged again for it.
   */
  resolve(page: Pick<Page, 'pageId' | 'brandId' | 'caseId' | 'kind' | 'severity'>, at: string): Promise<void>;
}

/** Signed acknowledgement links (channels/oncall/ack-token.ts); absent: pages carry none. */
export interface AckLinks {
  linkFor(pageId: string, now: Date): Promise<{ url: string; token: string }>;
}

export interface PagingDeps {
  pages: PageStore;
  pager: Pager;
  now?: () => Date;
  /** The brands' escalation config (BrandDirectory.escalationOf); absent: one level, every target. */
  escalationOf?: (brandId: string) => EscalationConfig | undefined;
  ackLinks?: AckLinks;
}

/** The page as it leaves: its acknowledgement link added to the text (never stored). */
export async function outgoingPage(page: Page, deps: PagingDeps, now: Date): Promise<Page> {
  if (!deps.ackLinks) return page;
  const { url, token } = await deps.ackLinks.linkFor(page.pageId, now);
  const level =
    page.level && page.levels && page.levels > 1
      ? ` (level ${page.level} of ${page.levels}: ${page.levelName})`
      : '';
  return { ...page, text: `${page.text}\nAcknowledge${level}: ${url}`, ackUrl: url, ackToken: token };
}

export async function raisePage(page: Page, deps: PagingDeps): Promise<'published' | 'duplicate'> {
  const now = deps.now?.() ?? new Date();
  const chain = chainFor(deps.escalationOf?.(page.brandId), page.severity);
  const placed: Page = { ...page, ...levelState(chain, 1, now) };
  if ((await deps.pages.createPage(placed)) === 'duplicate') return 'duplicate';
  await deps.pager.publish(await outgoingPage(placed, deps, now));
  await deps.pages.markPublished(page.pageId, now.toISOString(), placed.escalateAt);
  return 'published';
}

/** Publishes pages left pending for more than a minute (a publisher died, or a climb was not sent). */
export async function republishStuckPages(deps: PagingDeps): Promise<number> {
  const now = deps.now?.() ?? new Date();
  const stuck = await deps.pages.listUnpublished(new Date(now.getTime() - 60_000).toISOString());
  for (const page of stuck) {
    const { status: _status, publishedAt: _publishedAt, ...fields } = page;
    await deps.pager.publish(await outgoingPage(fields, deps, now));
    await deps.pages.markPublished(page.pageId, now.toISOString(), page.escalateAt);
  }
  return stuck.length;
}
