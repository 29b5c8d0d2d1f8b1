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
  /** The location code a local manager's page is about. */
  location?: string;
}

export interface PageRecord extends Page {
  status: 'pending' | 'published';
  publishedAt?: string;
}

export interface PageStore {
  /** Records a new page as pending; 'duplicate' when a page with its id exists. */
  createPage(page: Page): Promise<'created' | 'duplicate'>;
  markPublished(pageId: string, at: string): Promise<void>;
  /** Pending pages created before `before`: a publisher died after recording them. */
  listUnpublished(before: string): Promise<PageRecord[]>;
  listPages(limit: number, brandId?: string): Promise<PageRecord[]>;
  /** The pages with these ids that exist (a case's pages have ids derived from the case). */
  getPages(pageIds: string[]): Promise<PageRecord[]>;
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
}

export interface PagingDeps {
  pages: PageStore;
  pager: Pager;
  now?: () => Date;
}

export async function raisePage(page: Page, deps: PagingDeps): Promise<'published' | 'duplicate'> {
  if ((await deps.pages.createPage(page)) === 'duplicate') return 'duplicate';
  await deps.pager.publish(page);
  await deps.pages.markPublished(page.pageId, (deps.now?.() ?? new Date()).toISOString());
  return 'published';
}

/** Publishes pages left pending for more than a minute. */
export async function republishStuckPages(deps: PagingDeps): Promise<number> {
  const now = deps.now?.() ?? new Date();
  const stuck = await deps.pages.listUnpublished(new Date(now.getTime() - 60_000).toISOString());
  for (const page of stuck) {
    await deps.pager.publish(page);
    await deps.pages.markPublished(page.pageId, now.toISOString());
  }
  return stuck.length;
}
