import type { BrandDirectory } from './brand-config';
import {
  attachToCase,
  type CaseStore,
  customerOf,
  messageFromInteraction,
  openNewCase,
  recordedKey,
} from './cases';
import type { Interaction } from './interaction';
import type { Sentiment, SentimentClassifier } from './sentiment';
import { decideTriage, riskDetectorFor } from './triage';

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
