import { type AuditLog, newAuditId } from './access/audit';
import type { CareCase } from './cases';
import { chainFor, nextEscalationStep } from './escalation';
import {
  outgoingPage,
  type PageAcknowledgement,
  type PageRecord,
  type PagingDeps,
  pageIdsOfCase,
} from './paging';

/**
 * The escalation chain at work: acknowledging a page (console, signed link, Slack, PagerDuty), climbing
 * unacknowledged pages one level when their wait is over, and stopping a case's chains (and resolving
 * their PagerDuty incidents) when the case is answered or resolved. Every change is one conditional
 * write: two monitors, or a monitor and an acknowledgement, never page twice.
 */

export interface EscalationDeps extends PagingDeps {
  cases: { getCase(caseId: string): Promise<CareCase | undefined> };
}

export interface AckDeps {
  pages: PagingDeps['pages'];
  audit: AuditLog;
  now?: () => Date;
}

export type AckOutcome =
  | { outcome: 'acknowledged'; page: PageRecord }
  | { outcome: 'already'; page: PageRecord }
  | { outcome: 'not_found' };

/**
 * Acknowledges a page once; the first acknowledgement wins and is kept (who, how, when), and goes on
 * the audit trail (of the case, when the page is about one). A second one changes nothing.
 */
export async function acknowledgePage(
  pageId: string,
  who: Omit<PageAcknowledgement, 'at'> & { role: string },
  deps: AckDeps,
): Promise<AckOutcome> {
  const at = (deps.now?.() ?? new Date()).toISOString();
  const { role, ...ack } = who;
  const outcome = await deps.pages.acknowledge(pageId, { ...ack, at });
  if (outcome === 'not_found') return { outcome };
  const [page] = await deps.pages.getPages([pageId]);
  if (!page) return { outcome: 'not_found' };
  if (outcome === 'acknowledged') {
    await deps.audit.append({
      auditId: newAuditId(at),
      at,
      brandId: page.brandId,
      agentId: ack.by,
      agentName: ack.byName,
      role,
      action: 'page_ack',
      ...(page.caseId ? { caseId: page.caseId } : {}),
      target: page.pageId,
      detail: { via: ack.via, level: page.level ?? 1, kind: page.kind },
    });
  }
  return { outcome, page };
}

/**
 * One pass over the escalation index: each due page climbs one level (and is published to that
 * level's targets), stops when its case was answered or resolved, or leaves the index when it was
 * acknowledged. Returns the pages published at a new level.
 */
export async function runEscalations(
  deps: EscalationDeps,
): Promise<{ climbed: PageRecord[]; stopped: string[] }> {
  const now = deps.now?.() ?? new Date();
  const due = await deps.pages.listDueEscalations(now.toISOString());
  const climbed: PageRecord[] = [];
  const stopped: string[] = [];
  for (const page of due) {
    const careCase = page.caseId ? await deps.cases.getCase(page.caseId) : undefined;
    const chain = chainFor(deps.escalationOf?.(page.brandId), page.severity);
    const step = nextEscalationStep(page, chain, careCase, now);
    switch (step.action) {
      case 'wait':
        break;
      case 'done':
        await deps.pages.clearEscalation(page.pageId);
        break;
      case 'stop':
        if ((await deps.pages.stop(page.pageId, step.reason, now.toISOString())) === 'stopped') {
          await deps.pager.resolve(page, now.toISOString());
          stopped.push(page.pageId);
        }
        break;
      case 'climb': {
        const from = page.level ?? 1;
        if ((await deps.pages.climb(page.pageId, from, step.next, now.toISOString())) === 'conflict') break;
        const { status: _status, publishedAt: _publishedAt, ...fields } = page;
        const next = { ...fields, ...step.next };
        await deps.pager.publish(await outgoingPage(next, deps, now));
        await deps.pages.markPublished(page.pageId, now.toISOString(), step.next.escalateAt);
        climbed.push({ ...next, status: 'published', publishedAt: now.toISOString() });
        break;
      }
    }
  }
  return { climbed, stopped };
}

/**
 * The case was answered or resolved: every chain about it stops (once) and its PagerDuty incident is
 * resolved. Returns the ids of the pages stopped now.
 */
export async function stopPagesOfCase(
  careCase: Pick<CareCase, 'caseId' | 'slaHistory'>,
  inbound: Array<{ platform: string; platformMessageId: string }>,
  reason: 'answered' | 'resolved',
  deps: Pick<PagingDeps, 'pages' | 'pager' | 'now'>,
): Promise<string[]> {
  const at = (deps.now?.() ?? new Date()).toISOString();
  const pages = await deps.pages.getPages(pageIdsOfCase(careCase, inbound));
  const stopped: string[] = [];
  for (const page of pages) {
    if (page.stoppedAt) continue;
    if ((await deps.pages.stop(page.pageId, reason, at)) !== 'stopped') continue;
    await deps.pager.resolve(page, at);
    stopped.push(page.pageId);
  }
  return stopped;
}
