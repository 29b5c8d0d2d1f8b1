import type { Brand, BrandDirectory } from './brand-config';
import {
  attachToCase,
  type CaseStore,
  caseIdFor,
  customerOf,
  messageFromInteraction,
  openNewCase,
  recordedKey,
} from './cases';
import type { Interaction } from './interaction';
import { type Page, type PagingDeps, raisePage } from './paging';
import type { Sentiment, SentimentClassifier } from './sentiment';
import { decideTriage, riskDetectorFor, type TriageDecision } from './triage';

export type RecordOutcome =
  | { status: 'opened' | 'attached'; caseId: string; sentiment: Sentiment['label']; priority: string }
  | { status: 'duplicate' }
  | { status: 'skipped'; reason: string };

export class UnknownBrandError extends Error {
  constructor(brandId: string) {
    super(`interaction names brand "${brandId}", which this deployment's config does not have`);
    this.name = 'UnknownBrandError';
  }
}

export class WriteConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WriteConflictError';
  }
}

const MAX_ATTEMPTS = 5;

export interface RecordDeps {
  directory: BrandDirectory;
  store: CaseStore;
  sentiment: SentimentClassifier;
  /** Pages on-call at once for high-risk posts. Absent: no paging (e.g. the triage CLI). */
  paging?: PagingDeps & { linkFor: (caseId: string) => string };
}

function riskPage(
  brand: Brand,
  caseId: string,
  interaction: Interaction,
  triage: TriageDecision,
  link: string,
): Page {
  const who = interaction.author.handle
    ? `@${interaction.author.handle}`
    : `customer ${interaction.author.id}`;
  const snippet = interaction.text.length > 140 ? `${interaction.text.slice(0, 139)}…` : interaction.text;
  const title = `[${brand.name}] high-risk post on ${interaction.platform}: ${triage.risks.join(', ')} (case ${caseId})`;
  return {
    // One page per risky message, however often it is delivered.
    pageId: `risk:${interaction.platform}:${interaction.platformMessageId}`,
    kind: 'risk',
    severity: 'critical',
    brandId: brand.id,
    caseId,
    title,
    text: [title, `${who}, ${interaction.visibility}: "${snippet}"`, `Open: ${link}`].join('\n'),
    link,
    createdAt: interaction.receivedAt,
  };
}

/**
 * Triage and record a batch of interactions. Already-recorded ones are skipped before any classifier
 * is paid for; the rest are classified in one call and written one by one. Returns one outcome (or
 * error) per input, in order, so the caller can fail only the records that failed.
 */
export async function recordInteractions(
  interactions: Interaction[],
  deps: RecordDeps,
): Promise<Array<RecordOutcome | Error>> {
  const recorded = await deps.store.findRecorded(interactions);
  const fresh = interactions.filter((i) => !recorded.has(recordedKey(i.platform, i.platformMessageId)));
  const sentiments = fresh.length
    ? await deps.sentiment.classify(fresh.map((i) => ({ text: i.text, ...(i.lang ? { lang: i.lang } : {}) })))
    : [];
  const sentimentOf = new Map(
    fresh.map((interaction, index) => [interaction, sentiments[index] as Sentiment]),
  );

  const outcomes: Array<RecordOutcome | Error> = [];
  for (const interaction of interactions) {
    const sentiment = sentimentOf.get(interaction);
    if (!sentiment) {
      outcomes.push({ status: 'duplicate' });
      continue;
    }
    try {
      outcomes.push(await recordOne(interaction, sentiment, deps));
    } catch (error) {
      outcomes.push(error instanceof Error ? error : new Error(String(error)));
    }
  }
  return outcomes;
}

async function recordOne(
  interaction: Interaction,
  sentiment: Sentiment,
  deps: RecordDeps,
): Promise<RecordOutcome> {
  const brand = deps.directory.brand(interaction.brandId);
  if (!brand) throw new UnknownBrandError(interaction.brandId);
  if (deps.directory.isOwnAccount(interaction.platform, interaction.author.id)) {
    return { status: 'skipped', reason: 'authored by our own account' };
  }
  const triage = decideTriage(
    {
      text: interaction.text,
      sentiment,
      addressedTo: interaction.account.role,
      ...(interaction.author.followers !== undefined
        ? { authorFollowers: interaction.author.followers }
        : {}),
      ...(interaction.author.verified !== undefined ? { authorVerified: interaction.author.verified } : {}),
    },
    riskDetectorFor(brand),
  );
  const customer = customerOf(interaction);

  // Two messages from one customer may race; a conflict means someone else wrote first: read again.
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const openCaseId = await deps.store.findOpenCaseId(brand.id, customer);
    const existing = openCaseId ? await deps.store.getCase(openCaseId) : undefined;
    const caseId = existing && existing.status !== 'resolved' ? existing.caseId : caseIdFor(interaction);
    // Paged before the case is written: if the write fails and is retried, the page id stops a second page.
    if (triage.risks.length && deps.paging) {
      await raisePage(riskPage(brand, caseId, interaction, triage, deps.paging.linkFor(caseId)), deps.paging);
    }
    if (existing && existing.status !== 'resolved') {
      const updated = attachToCase(brand, existing, interaction, sentiment, triage);
      const outcome = await deps.store.attachMessage(
        updated,
        existing.version,
        messageFromInteraction(existing.caseId, interaction, sentiment),
      );
      if (outcome === 'duplicate') return { status: 'duplicate' };
      if (outcome === 'written') {
        return {
          status: 'attached',
          caseId: existing.caseId,
          sentiment: sentiment.label,
          priority: updated.priority,
        };
      }
      continue;
    }
    const careCase = openNewCase(brand, interaction, sentiment, triage);
    const outcome = await deps.store.openCase(
      careCase,
      messageFromInteraction(careCase.caseId, interaction, sentiment),
    );
    if (outcome === 'duplicate') return { status: 'duplicate' };
    if (outcome === 'written') {
      return {
        status: 'opened',
        caseId: careCase.caseId,
        sentiment: sentiment.label,
        priority: careCase.priority,
      };
    }
  }
  throw new WriteConflictError(
    `could not record ${interaction.platform} message after ${MAX_ATTEMPTS} conflicting writes`,
  );
}
