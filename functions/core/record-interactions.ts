import type { AgentRegistry } from './access/agents';
import { reopenableCase } from './auto-close';
import type { Brand, BrandDirectory } from './brand-config';
import {
  applySentReply,
  attachToCase,
  type CaseStore,
  type CustomerRef,
  caseIdFor,
  customerOf,
  laneOf,
  messageFromInteraction,
  openNewCase,
  outboundMessage,
  recordedKey,
} from './cases';
import type { FaqReply } from './faq/answer';
import type { Interaction } from './interaction';
import { notifyLocalManagers } from './local-managers';
import { locateInteraction } from './locations';
import { completeMention, type MentionContentReader } from './mention-content';
import { decideNeedsReply } from './needs-reply';
import { type Page, type PagingDeps, raisePage, riskPageId } from './paging';
import { LocalPiiDetector, maskPii, type PiiDetector } from './pii';
import {
  outOfHoursAcknowledgement,
  type ReplyDeps,
  readFaq,
  replyTo,
  requeuePendingReplies,
  writeReply,
} from './replies';
import { assignCase, type RoutingDeps, routingExtras, routingOf, withRouting } from './routing/dispatch';
import type { Sentiment, SentimentClassifier } from './sentiment';
import { countNegativePost, SPIKE_BUCKET_MS, type VolumeCounter } from './spike';
import { topicMatcherFor } from './topics';
import { decideTriage, riskDetectorFor, type TriageDecision, type TriageInput } from './triage';
import { listeningNeedsCare } from './x-intake/listening';

export type RecordOutcome =
  | { status: 'opened' | 'attached'; caseId: string; sentiment: Sentiment['label']; priority: string }
  /** A message one of our accounts sent from another tool, recorded on the customer's case. */
  | { status: 'outbound_recorded'; caseId: string }
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
const defaultPii = new LocalPiiDetector();

export interface RecordDeps {
  directory: BrandDirectory;
  store: CaseStore;
  sentiment: SentimentClassifier;
  /** Sends the bot's answers and out-of-hours acknowledgements. Absent: nothing is sent. */
  replies?: ReplyDeps;
  /** Pages on-call at once for high-risk posts. Absent: no paging (e.g. the triage CLI). */
  paging?: PagingDeps & { linkFor: (caseId: string) => string };
  /** Finds private data to mask in what is stored and paged. Absent: the local patterns. */
  pii?: PiiDetector;
  /** Counts negative posts per brand to page once on a spike. */
  volumes?: VolumeCounter;
  /** Reads the text of mentions the platform notified by id only. Absent: they keep their placeholder. */
  mentions?: MentionContentReader;
  /** The agent registry, for the local managers of a new case's location. Absent: nobody is told. */
  agents?: Pick<AgentRegistry, 'listAgents'>;
  /**
   * The stored routing rules and agents' states: a new case goes to its customer's last agent or the
   * least-loaded available team member. Absent: the brand config's rules pick the team, nobody is assigned.
   */
  routing?: RoutingDeps;
}

/** `interaction` is the masked one: a page leaves the system (SNS, e-mail, SMS, Slack, PagerDuty). */
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
    pageId: riskPageId(interaction.platform, interaction.platformMessageId),
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
  const isRecorded = (i: Interaction) => recorded.has(recordedKey(i.platform, i.platformMessageId));
  // Messages our own accounts sent elsewhere are recorded as ours: never classified, never answered.
  const fresh = interactions.filter((i) => !isRecorded(i) && i.direction !== 'outbound');
  const inboundSeen = interactions.filter((i) => isRecorded(i) && i.direction !== 'outbound');
  if (deps.replies && inboundSeen.length) await requeuePendingReplies(inboundSeen, deps.replies);
  // Mentions notified by id only are read first (after the duplicate check: a redelivery costs no call).
  const reader = deps.mentions;
  const ready = reader
    ? await Promise.all(fresh.map((i) => (i.pendingContent ? completeMention(i, reader) : i)))
    : fresh;
  const sentiments = ready.length
    ? await deps.sentiment.classify(ready.map((i) => ({ text: i.text, ...(i.lang ? { lang: i.lang } : {}) })))
    : [];
  const readyOf = new Map(
    fresh.map((original, index) => [
      original,
      { interaction: ready[index] as Interaction, sentiment: sentiments[index] as Sentiment },
    ]),
  );

  const outcomes: Array<RecordOutcome | Error> = [];
  for (const original of interactions) {
    if (original.direction === 'outbound' && !isRecorded(original)) {
      try {
        outcomes.push(await recordOutbound(original, deps));
      } catch (error) {
        outcomes.push(error instanceof Error ? error : new Error(String(error)));
      }
      continue;
    }
    const entry = readyOf.get(original);
    if (!entry) {
      outcomes.push({ status: 'duplicate' });
      continue;
    }
    const { interaction, sentiment } = entry;
    try {
      const outcome = await recordOne(interaction, sentiment, deps);
      const brand = deps.directory.brand(interaction.brandId);
      const negative = sentiment.label === 'NEGATIVE' || sentiment.label === 'MIXED';
      if (
        brand &&
        negative &&
        deps.volumes &&
        deps.paging &&
        (outcome.status === 'opened' || outcome.status === 'attached')
      ) {
        await countNegativePost(brand, interaction.receivedAt, { ...deps.paging, volumes: deps.volumes });
      }
      outcomes.push(outcome);
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
  const risks = riskDetectorFor(brand).detect(interaction.text);
  const faq = await readFaq(brand, deps.directory, interaction, sentiment, risks, deps.replies?.fares);
  const triageInput: TriageInput = {
    text: interaction.text,
    sentiment,
    addressedTo: interaction.account.role,
    ...(interaction.author.followers !== undefined ? { authorFollowers: interaction.author.followers } : {}),
    ...(interaction.author.verified !== undefined ? { authorVerified: interaction.author.verified } : {}),
    ...(faq ? { faq } : {}),
  };
  const customer = customerOf(interaction);
  const located = locateInteraction(brand.locations, {
    platform: interaction.platform,
    accountId: interaction.account.id,
    ...(interaction.placeId ? { placeId: interaction.placeId } : {}),
    text: interaction.text,
  });
  // Private data (card and account numbers, e-mail addresses, phone numbers) is masked in everything
  // that is stored or leaves the system (the case, its message, pages); triage above read the post as
  // written. Only `stored` is used from here on.
  const pii = deps.pii ?? defaultPii;
  const stored = { ...interaction, text: maskPii(interaction.text, await pii.detect(interaction.text)) };

  // Two messages from one customer may race; a conflict means someone else wrote first: read again.
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const profile = await deps.store.getCustomerProfile(brand.id, customer);
    const existing = profile?.openCaseId ? await deps.store.getCase(profile.openCaseId) : undefined;
    // A case auto-close resolved opens again when its customer writes within the reopen window.
    const earlier =
      existing && existing.status !== 'resolved'
        ? {}
        : await reopenableCase(brand, deps.store, profile, interaction.receivedAt);
    const open = existing && existing.status !== 'resolved' ? existing : earlier.reopen;
    const caseId = open ? open.caseId : caseIdFor(interaction);
    const overdue = open?.nextDeadlineAt
      ? Date.parse(interaction.receivedAt) - Date.parse(open.nextDeadlineAt)
      : 0;
    let triage = decideTriage(
      {
        ...triageInput,
        earlierCases: (profile?.caseCount ?? 0) - (open ? 1 : 0),
        ...(overdue > 60_000 ? { overdueMinutes: Math.floor(overdue / 60_000) } : {}),
        ...(profile?.abusive ? { abusive: profile.abusive } : {}),
      },
      risks,
    );
    if (located) triage = { ...triage, location: located.location, locationBy: located.by };
    if (interaction.source === 'listening' && !open) {
      // A keyword hit becomes a case only when it needs care; the rest is counted, not queued.
      const need = listeningNeedsCare({
        sentiment: sentiment.label,
        risks,
        intent: triage.intent,
        text: interaction.text,
        hasOpenCase: false,
      });
      if (!need.care) {
        const at = Date.parse(interaction.receivedAt);
        await deps.volumes?.increment(`listening:${brand.id}`, new Date(at - (at % SPIKE_BUCKET_MS)));
        return { status: 'skipped', reason: `listening: ${need.reason}` };
      }
    }
    // Does it need a reply? Thanks, praise, bare mentions and spam go to the no-reply lane: recorded,
    // never timed, paged or answered. A message on a case still owed an answer is in a conversation.
    const need = decideNeedsReply({
      text: interaction.text,
      sentiment: sentiment.label,
      risks: triage.risks,
      private: interaction.visibility === 'private',
      intent: triage.intent,
      inConversation: Boolean(open && laneOf(open) === 'reply'),
    });
    const reading = { need, topic: topicMatcherFor(brand.topics).match(interaction.text).topic };
    const abusive = Boolean(profile?.abusive);
    // Pages and replies are queued before the case is written, under ids that make them happen once:
    // if the write fails and the record is retried, nothing is paged or sent twice, and nothing is lost.
    if (triage.risks.length && deps.paging && !abusive) {
      await raisePage(riskPage(brand, caseId, stored, triage, deps.paging.linkFor(caseId)), deps.paging);
    }
    if (open) {
      const updated = attachToCase(brand, open, stored, sentiment, triage, reading);
      const outcome = await deps.store.attachMessage(
        updated,
        open.version,
        messageFromInteraction(open.caseId, stored, sentiment, reading),
      );
      if (outcome === 'duplicate') return { status: 'duplicate' };
      if (outcome === 'written') {
        return {
          status: 'attached',
          caseId: open.caseId,
          sentiment: sentiment.label,
          priority: updated.priority,
        };
      }
      continue;
    }
    let reply: string | undefined;
    // Nothing is sent for a post that needs no reply: not the bot, not an out-of-hours acknowledgement.
    if (deps.replies && !abusive && need.needsReply) {
      ({ triage, reply } = await writeFirstReply(
        brand,
        interaction,
        faq,
        triage,
        caseId,
        deps.replies,
        deps.directory,
      ));
    }
    const opened = {
      ...openNewCase(brand, stored, sentiment, triage, reading),
      ...(earlier.previous ? { previousCaseId: earlier.previous } : {}),
    };
    // The team is picked once, when the case opens, by the rules in force (a location triage tagged included).
    const rules = await routingOf(brand, deps.routing?.routing);
    const careCase = withRouting(
      opened,
      rules.routing,
      rules.version,
      routingExtras(
        brand,
        interaction,
        { topic: reading.topic, needsReply: need.needsReply },
        opened.location,
      ),
      stored.text,
    );
    // The location's managers hear of a new negative or risky case before it is written, under page
    // ids that make it once per case and manager (as risk pages): a retried record pages nobody twice.
    if (careCase.location && deps.paging && deps.agents && !abusive) {
      await notifyLocalManagers(brand, { ...careCase, location: careCase.location }, stored.text, {
        ...deps.paging,
        agents: deps.agents,
      });
    }
    const outcome = await deps.store.openCase(
      careCase,
      messageFromInteraction(careCase.caseId, stored, sentiment, reading),
    );
    if (outcome === 'duplicate') return { status: 'duplicate' };
    if (outcome === 'written') {
      if (reply && deps.replies) await deps.replies.queue.enqueue([reply]);
      // Then a person: the customer's previous agent, else the least-loaded available team member.
      // Should this fail, the case waits in its team's queue until someone frees capacity.
      if (deps.routing) await assignCase(brand, careCase, deps.routing, profile?.caseIds?.at(-1));
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

/**
 * A message one of our accounts sent from another tool (X's app: dm.sent): it goes on the customer's
 * open case (else their latest) as an outbound message and answers them like an agent's reply. It
 * never opens a case and is never answered; with no case to put it on, it is skipped with the reason.
 */
async function recordOutbound(interaction: Interaction, deps: RecordDeps): Promise<RecordOutcome> {
  const brand = deps.directory.brand(interaction.brandId);
  if (!brand) throw new UnknownBrandError(interaction.brandId);
  const recipient = interaction.recipient;
  if (!recipient) return { status: 'skipped', reason: 'outbound message without a recipient' };
  const customer: CustomerRef = {
    platform: interaction.platform,
    id: recipient.id,
    ...(recipient.handle ? { handle: recipient.handle } : {}),
  };
  // Masked like every stored message: the local patterns when no detector is given.
  const pii = deps.pii ?? defaultPii;
  const text = maskPii(interaction.text, await pii.detect(interaction.text));
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const profile = await deps.store.getCustomerProfile(brand.id, customer);
    const caseId = profile?.openCaseId ?? profile?.caseIds?.at(-1);
    const careCase = caseId ? await deps.store.getCase(caseId) : undefined;
    if (!careCase) {
      return { status: 'skipped', reason: 'sent by our account to a customer with no case to record it on' };
    }
    const message = outboundMessage(careCase.caseId, {
      platform: interaction.platform,
      platformMessageId: interaction.platformMessageId,
      accountId: interaction.account.id,
      visibility: interaction.visibility,
      text,
      sentAt: interaction.createdAt,
      ...(interaction.inReplyToId ? { inReplyToId: interaction.inReplyToId } : {}),
      sentBy: `${interaction.platform}-app`,
      reason: 'sent_outside_socialcare',
    });
    const updated =
      careCase.status === 'resolved'
        ? { ...careCase, version: careCase.version + 1 }
        : applySentReply(brand, careCase, {
            reason: 'agent_reply',
            sentBy: `${interaction.platform}-app`,
            sentAt: interaction.createdAt,
          });
    const outcome = await deps.store.attachMessage(updated, careCase.version, message);
    if (outcome === 'duplicate') return { status: 'duplicate' };
    if (outcome === 'written') return { status: 'outbound_recorded', caseId: careCase.caseId };
  }
  throw new WriteConflictError(
    `could not record outbound ${interaction.platform} message after ${MAX_ATTEMPTS} conflicting writes`,
  );
}

/**
 * The first reply a new case may get at once: the bot's answer or hand-off for a post addressed to
 * the bot (within the per-customer limit), or the care team's out-of-hours acknowledgement.
 * Posts that join an open case get none: a person is already on it.
 */
async function writeFirstReply(
  brand: Brand,
  interaction: Interaction,
  faq: FaqReply | undefined,
  triage: TriageDecision,
  caseId: string,
  replies: ReplyDeps,
  directory: BrandDirectory,
): Promise<{ triage: TriageDecision; reply?: string }> {
  const bot = interaction.account;
  if (bot.role === 'bot' && faq && (faq.decision === 'answer' || faq.decision === 'hand_off')) {
    const hour = new Date(
      Date.parse(interaction.receivedAt) - (Date.parse(interaction.receivedAt) % 3_600_000) + 3_600_000,
    );
    const allowed = await replies.limiter.tryConsume(
      `bot:${interaction.platform}:${interaction.author.id}`,
      brand.bot.maxRepliesPerCustomerPerHour,
      hour,
    );
    if (!allowed) {
      const action = triage.action === 'auto_reply' ? 'agent' : triage.action;
      return { triage: { ...triage, action, botDeclined: 'rate_limited' } };
    }
    const reason = faq.decision === 'answer' ? 'faq_answer' : 'hand_off';
    return {
      triage,
      reply: await writeReply(replyTo(interaction, brand.id, reason, faq.text, bot, 'bot'), caseId, replies),
    };
  }
  // A post found by keyword search may not be answered in public by this app (X's rule): no ack.
  if (bot.role === 'care' && triage.action !== 'ignore' && interaction.source !== 'listening') {
    const text = outOfHoursAcknowledgement(brand, new Date(interaction.receivedAt));
    const care = directory.careAccount(brand.id, interaction.platform);
    if (text && care) {
      const ack = replyTo(
        interaction,
        brand.id,
        'out_of_hours_ack',
        text,
        { id: care.id, role: 'care' },
        'system',
      );
      return { triage, reply: await writeReply(ack, caseId, replies) };
    }
  }
  return { triage };
}
