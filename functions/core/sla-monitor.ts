import type { BrandDirectory } from './brand-config';
import type { CareCase, CaseStore } from './cases';
import { formatDuration } from './duration';
import type { MetricsSink } from './metrics';
import { runEscalations } from './page-escalation';
import {
  type Page,
  type PageRecord,
  type PagingDeps,
  raisePage,
  republishStuckPages,
  slaPageId,
} from './paging';
import { advanceSla, dueStep, type SlaStep } from './sla';

/** Finds the cases whose SLA check time has come: a query of the sparse, sharded deadline index. */
export interface DueCaseFinder {
  findDueCaseIds(now: Date): Promise<string[]>;
}

export interface SlaMonitorDeps extends PagingDeps {
  directory: BrandDirectory;
  cases: CaseStore;
  due: DueCaseFinder;
  linkFor: (caseId: string) => string;
  metrics?: MetricsSink;
}

const KIND_LABEL = {
  first_response: 'first response',
  next_response: 'next response',
  resolution: 'resolution',
} as const;

export function pageForStep(
  careCase: CareCase,
  step: SlaStep,
  now: Date,
  brandName: string,
  link: string,
): Page {
  const sla = careCase.sla!;
  const dueMs = Date.parse(sla.dueAt) - now.getTime();
  const when = dueMs > 0 ? `${formatDuration(dueMs)} left` : `overdue by ${formatDuration(-dueMs)}`;
  const what = KIND_LABEL[sla.kind];
  const who = careCase.customer.handle ? `@${careCase.customer.handle}` : `customer ${careCase.customer.id}`;
  const headline =
    step === 'warning'
      ? `${what} due soon`
      : step === 'breach'
        ? `${what} deadline missed`
        : `${what} still overdue`;
  const title = `[${brandName}] ${headline}: case ${careCase.caseId} (${careCase.priority})`;
  const snippet = careCase.subject.length > 100 ? `${careCase.subject.slice(0, 99)}…` : careCase.subject;
  return {
    pageId: slaPageId(careCase.caseId, sla.deadline, step),
    kind: step === 'warning' ? 'deadline_warning' : step === 'breach' ? 'deadline_breach' : 'deadline_repeat',
    severity: step === 'warning' ? 'warning' : 'critical',
    brandId: careCase.brandId,
    caseId: careCase.caseId,
    title,
    text: [
      title,
      `${when} (due ${sla.dueAt}).`,
      `${who} on ${careCase.platform}, ${careCase.visibility}: "${snippet}"`,
      `Why ${careCase.priority}: ${careCase.priorityReasons.join('; ')}.`,
      `Open: ${link}`,
    ].join('\n'),
    link,
    createdAt: now.toISOString(),
  };
}

/**
 * One run of the SLA monitor (and of the escalation chains). Each due case moves one step (warning, breach, repeat) by a conditional
 * update; only the run whose update wins pages, so overlapping runs never page twice.
 */
export async function runSlaMonitor(deps: SlaMonitorDeps): Promise<{
  checked: number;
  pages: Page[];
  republished: number;
  climbed: PageRecord[];
  stopped: string[];
}> {
  const now = deps.now?.() ?? new Date();
  const republished = await republishStuckPages(deps);
  const ids = await deps.due.findDueCaseIds(now);
  const pages: Page[] = [];
  for (const caseId of ids) {
    for (let attempt = 0; attempt < 5; attempt++) {
      const careCase = await deps.cases.getCase(caseId);
      const brand = careCase && deps.directory.brand(careCase.brandId);
      if (!careCase || !brand || careCase.status !== 'open' || !careCase.sla) break;
      const step = dueStep(careCase.sla, now);
      if (!step) break;
      const updated: CareCase = {
        ...careCase,
        version: careCase.version + 1,
        sla: advanceSla(brand, careCase.sla, step),
        slaHistory: [
          ...(careCase.slaHistory ?? []),
          { kind: careCase.sla.kind, dueAt: careCase.sla.dueAt, step, at: now.toISOString() },
        ],
      };
      const outcome = await deps.cases.updateCase(updated, careCase.version);
      if (outcome === 'conflict') continue;
      if (step === 'warning') deps.metrics?.record('DeadlineWarnings', brand.id);
      if (step === 'breach') deps.metrics?.record('DeadlineBreaches', brand.id);
      const page = pageForStep(careCase, step, now, brand.name, deps.linkFor(caseId));
      if ((await raisePage(page, deps)) === 'published') {
        pages.push(page);
        deps.metrics?.record('Pages', brand.id);
      }
      break;
    }
  }
  // Pages nobody acknowledged climb their brand's chain; chains of answered or resolved cases stop.
  const { climbed, stopped } = await runEscalations({ ...deps, now: () => now });
  for (const page of climbed) deps.metrics?.record('Pages', page.brandId);
  deps.metrics?.flush();
  return { checked: ids.length, pages, republished, climbed, stopped };
}
