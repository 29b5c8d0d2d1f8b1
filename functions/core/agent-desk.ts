import type { Brand, BrandDirectory } from './brand-config';
import {
  CASE_LANES,
  type CareCase,
  type CaseLane,
  type CaseMessage,
  type CaseStore,
  moveToLane,
} from './cases';
import { type ComplianceProblem, checkOutbound } from './compliance';
import { applyCorrection, type Correction, InvalidCorrectionError, parseCorrection } from './corrections';
import type { OutboundMessage, OutboundQueue, OutboxEntry, OutboxStore } from './outbox';
import type { PiiDetector } from './pii';
import { replyLimit, withSignature } from './reply-rules';
import { listeningPublicReplyRefusal } from './x-intake/listening';

/**
 * What agents do with a case: claim, assign, reply in public or privately, resolve with a public
 * close-out, notes and tags. Every change names the case version the agent saw; a stale one is
 * refused, so no reply is sent against a state the agent never saw.
 */
export class CaseNotFoundError extends Error {
  /** `what` names something else not found in a case's place (a brand, a page): "no brand nope". */
  constructor(caseId: string, what?: string) {
    super(what ? `no ${what}` : `no case ${caseId}`);
    this.name = 'CaseNotFoundError';
  }
}

export class StaleVersionError extends Error {
  constructor(readonly currentVersion: number) {
    super(`the case changed since you opened it (now version ${currentVersion}): reload it and try again`);
    this.name = 'StaleVersionError';
  }
}

export class InvalidRequestError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'InvalidRequestError';
  }
}

export class ComplianceError extends Error {
  constructor(readonly problems: ComplianceProblem[]) {
    super(`the reply was not sent: ${problems.map((p) => p.message).join('; ')}`);
    this.name = 'ComplianceError';
  }
}

export interface Agent {
  id: string;
  /** The display name and initials an administrator set in the agent registry: they sign replies. */
  name: string;
  initials?: string;
}

export interface AgentDeskDeps {
  directory: BrandDirectory;
  store: CaseStore;
  outbox: OutboxStore;
  queue: OutboundQueue;
  pii: PiiDetector;
  now?: () => Date;
}

export function signReply(brand: Brand, agent: Agent, text: string): string {
  return withSignature(text, brand.agentDesk.signature, agent.name, agent.initials);
}

/** A reply accepted and queued for sending, not yet posted. */
export interface QueuedReply {
  outboxId: string;
  text: string;
  visibility: 'public' | 'private';
  reason: string;
  createdAt: string;
}

/** A reply's request id names its outbox entries, so a retried request never sends twice. */
function requireRequestId(value: unknown, what: 'reply' | 'close-out'): asserts value is string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9-]{8,64}$/.test(value)) {
    throw new InvalidRequestError(
      'requestId',
      `a unique id for this ${what} (8-64 letters, digits or -) is required`,
    );
  }
}

/** The customer's last public post: where public replies go, in its thread. */
function lastPublicInbound(messages: CaseMessage[]): CaseMessage | undefined {
  return [...messages].reverse().find((m) => m.direction === 'in' && m.visibility === 'public');
}

export class AgentDesk {
  constructor(private readonly deps: AgentDeskDeps) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private async load(caseId: string, version: unknown): Promise<{ careCase: CareCase; brand: Brand }> {
    if (typeof version !== 'number' || !Number.isInteger(version)) {
      throw new InvalidRequestError(
        'version',
        'the case version you are looking at is required (a whole number)',
      );
    }
    const careCase = await this.deps.store.getCase(caseId);
    if (!careCase) throw new CaseNotFoundError(caseId);
    if (careCase.version !== version) throw new StaleVersionError(careCase.version);
    const brand = this.deps.directory.brand(careCase.brandId);
    if (!brand) throw new CaseNotFoundError(caseId);
    return { careCase, brand };
  }

  private async save(updated: CareCase, expected: number): Promise<CareCase> {
    const outcome = await this.deps.store.updateCase(updated, expected);
    if (outcome === 'conflict') {
      const current = await this.deps.store.getCase(updated.caseId);
      throw new StaleVersionError(current?.version ?? expected);
    }
    return updated;
  }

  async claim(caseId: string, agent: Agent, version: unknown): Promise<CareCase> {
    const { careCase } = await this.load(caseId, version);
    return this.save({ ...careCase, version: careCase.version + 1, assignee: agent.id }, careCase.version);
  }

  async assign(caseId: string, to: unknown, version: unknown): Promise<CareCase> {
    if (typeof to !== 'string' || to.trim() === '' || to.length > 200) {
      throw new InvalidRequestError('assignee', 'the agent to assign is required');
    }
    const { careCase } = await this.load(caseId, version);
    return this.save({ ...careCase, version: careCase.version + 1, assignee: to.trim() }, careCase.version);
  }

  async setTags(caseId: string, tags: unknown, version: unknown): Promise<CareCase> {
    if (
      !Array.isArray(tags) ||
      tags.some((t) => typeof t !== 'string' || !/^[\p{L}\p{N} _-]{1,40}$/u.test(t)) ||
      tags.length > 20
    ) {
      throw new InvalidRequestError(
        'tags',
        'up to 20 tags of letters, digits, spaces, - and _ (40 characters each)',
      );
    }
    const { careCase } = await this.load(caseId, version);
    const unique = [...new Set((tags as string[]).map((t) => t.trim()))];
    return this.save({ ...careCase, version: careCase.version + 1, tags: unique }, careCase.version);
  }

  /**
   * Moves the case to the reply lane (owed an answer, deadlines from now) or the no-reply lane (every
   * clock stopped). Moving it to the lane it is in changes nothing.
   */
  async moveLane(caseId: string, agent: Agent, lane: unknown, version: unknown): Promise<CareCase> {
    if (typeof lane !== 'string' || !(CASE_LANES as readonly string[]).includes(lane)) {
      throw new InvalidRequestError('lane', `one of ${CASE_LANES.map((l) => `"${l}"`).join(', ')}`);
    }
    const { careCase, brand } = await this.load(caseId, version);
    if (careCase.status === 'resolved') throw new InvalidRequestError('case', 'the case is resolved');
    if ((careCase.lane ?? 'reply') === lane) return careCase;
    const moved = moveToLane(brand, careCase, lane as CaseLane, `moved by ${agent.id}`, this.now());
    return this.save(moved, careCase.version);
  }

  /** Sets what triage read (sentiment, topic, needs a reply) to what the agent says it is. */
  async correct(
    caseId: string,
    agent: Agent,
    input: Record<string, unknown>,
  ): Promise<{ before: CareCase; case: CareCase; correction: Correction }> {
    const { careCase, brand } = await this.load(caseId, input.version);
    let correction: Correction;
    try {
      correction = parseCorrection(input, brand);
    } catch (error) {
      if (error instanceof InvalidCorrectionError) throw new InvalidRequestError(error.field, error.expected);
      throw error;
    }
    const updated = applyCorrection(brand, careCase, correction, agent.id, this.now());
    return { before: careCase, case: await this.save(updated, careCase.version), correction };
  }

  async addNote(caseId: string, agent: Agent, text: unknown): Promise<void> {
    if (typeof text !== 'string' || text.trim() === '' || text.length > 5000) {
      throw new InvalidRequestError('text', 'a note of 1 to 5,000 characters is required');
    }
    if (!(await this.deps.store.getCase(caseId))) throw new CaseNotFoundError(caseId);
    const at = this.now().toISOString();
    await this.deps.store.addNote({
      caseId,
      noteId: `${at}-${agent.id}`,
      author: agent.id,
      text: text.trim(),
      at,
    });
  }

  /**
   * Replies on the case's channel (public: in the thread of the customer's last public post) or
   * privately (a DM), with a short public note that the conversation moved when it was public.
   * The outbox ids come from the request id, so a retried request never sends twice.
   */
  async reply(
    caseId: string,
    agent: Agent,
    request: { version: unknown; text: unknown; visibility: unknown; requestId: unknown },
  ): Promise<{ case: CareCase; outboxIds: string[]; queued: QueuedReply[] }> {
    if (typeof request.text !== 'string') throw new InvalidRequestError('text', 'the reply text is required');
    if (request.visibility !== 'public' && request.visibility !== 'private') {
      throw new InvalidRequestError('visibility', 'must be "public" or "private"');
    }
    requireRequestId(request.requestId, 'reply');
    const { careCase, brand } = await this.load(caseId, request.version);
    if (careCase.status === 'resolved') throw new InvalidRequestError('case', 'the case is resolved');
    const messages = await this.deps.store.listMessages(caseId);
    const lastInbound = [...messages].reverse().find((m) => m.direction === 'in');
    if (careCase.platform === 'generic') {
      const url = lastInbound?.url ?? 'the source';
      throw new InvalidRequestError('case', `reviews and listening posts are answered at the source: ${url}`);
    }
    if (!lastInbound) throw new InvalidRequestError('case', 'the case has no customer message to answer');
    const account = this.deps.directory.careAccount(brand.id, careCase.platform);
    if (!account)
      throw new InvalidRequestError('case', `the brand has no care account on ${careCase.platform}`);

    const visibility = request.visibility;
    const text = visibility === 'public' ? signReply(brand, agent, request.text.trim()) : request.text.trim();
    await this.checkCompliance(brand, careCase.platform, text, visibility);

    const from = { id: account.id, role: 'care' as const };
    const entries: OutboundMessage[] = [];
    const publicThread = lastPublicInbound(messages);
    const base = {
      brandId: brand.id,
      platform: careCase.platform,
      account: from,
      author: agent.id,
      createdAt: this.now().toISOString(),
    };
    if (visibility === 'private') {
      // On Facebook and Instagram a public comment is taken private with a private reply to that
      // comment; on X, and for customers who wrote privately, a direct message to the customer.
      const privateReply = careCase.platform !== 'x' && lastInbound.visibility === 'public' && publicThread;
      entries.push({
        ...base,
        outboxId: `agent_reply:${caseId}:${request.requestId}`,
        caseId,
        delivery: 'direct_message',
        ...(privateReply
          ? { inReplyToId: publicThread.platformMessageId }
          : { recipientId: careCase.customer.id }),
        text,
        reason: 'agent_reply',
      });
      // No public note under a post found by keyword search: X refuses this app's public reply there.
      if (lastInbound.visibility === 'public' && publicThread && publicThread.source !== 'listening') {
        entries.push({
          ...base,
          outboxId: `public_note:${caseId}:${request.requestId}`,
          caseId,
          delivery: 'public_reply',
          inReplyToId: publicThread.platformMessageId,
          text: signReply(brand, agent, brand.agentDesk.movedToPrivateNote),
          reason: 'public_note',
        });
      }
    } else {
      const thread = publicThread ?? lastInbound;
      if (thread.visibility !== 'public') {
        throw new InvalidRequestError('visibility', 'the customer wrote privately: reply privately');
      }
      if (thread.source === 'listening') {
        throw new InvalidRequestError('visibility', listeningPublicReplyRefusal(account.handle));
      }
      entries.push({
        ...base,
        outboxId: `agent_reply:${caseId}:${request.requestId}`,
        caseId,
        delivery: 'public_reply',
        inReplyToId: thread.platformMessageId,
        text,
        reason: 'agent_reply',
      });
    }
    for (const entry of entries)
      await this.deps.outbox.createOutbox({ ...entry, status: 'pending', attempts: 0 } as OutboxEntry);
    const updated = await this.save(
      {
        ...careCase,
        version: careCase.version + 1,
        assignee: careCase.assignee ?? agent.id,
        lastAgentReplyAt: base.createdAt,
        replyDelivery: {
          outboxId: (entries.find((e) => e.reason === 'agent_reply') ?? entries[0]!).outboxId,
          status: 'queued',
          at: base.createdAt,
        },
      },
      careCase.version,
    );
    const outboxIds = entries.map((e) => e.outboxId);
    await this.deps.queue.enqueue(outboxIds);
    // What is on its way, as it will be posted: the console shows it on the case at once.
    const queued = entries.map((e) => ({
      outboxId: e.outboxId,
      text: e.text,
      visibility: e.delivery === 'direct_message' ? ('private' as const) : ('public' as const),
      reason: e.reason,
      createdAt: e.createdAt,
    }));
    return { case: updated, outboxIds, queued };
  }

  /** What an agent sends is checked at the point of sending: allowed links, private data, length. */
  private async checkCompliance(
    brand: Brand,
    platform: string,
    text: string,
    visibility: 'public' | 'private',
  ): Promise<void> {
    const problems = await checkOutbound(text, {
      visibility,
      platform,
      allowedDomains: [
        ...brand.agentDesk.allowedLinkDomains,
        ...(brand.knowledgeBase?.allowedLinkDomains ?? []),
      ],
      maxLength: replyLimit(platform, visibility),
      pii: this.deps.pii,
    });
    if (problems.length) throw new ComplianceError(problems);
  }

  /** Resolves the case; with a close-out text, a public reply in the customer's thread says so. */
  async resolve(
    caseId: string,
    agent: Agent,
    request: { version: unknown; closeOut?: unknown; requestId: unknown },
  ): Promise<{ case: CareCase; outboxIds: string[] }> {
    if (request.closeOut !== undefined && typeof request.closeOut !== 'string') {
      throw new InvalidRequestError('closeOut', 'must be text');
    }
    const { careCase, brand } = await this.load(caseId, request.version);
    if (careCase.status === 'resolved') throw new InvalidRequestError('case', 'the case is already resolved');
    const outboxIds: string[] = [];
    const closeOut = typeof request.closeOut === 'string' ? request.closeOut.trim() : '';
    let entry: OutboxEntry | undefined;
    if (closeOut) {
      requireRequestId(request.requestId, 'close-out');
      const messages: CaseMessage[] = await this.deps.store.listMessages(caseId);
      const thread = lastPublicInbound(messages);
      const account = this.deps.directory.careAccount(brand.id, careCase.platform);
      if (!thread || !account)
        throw new InvalidRequestError('closeOut', 'the case has no public thread to close out in');
      if (thread.source === 'listening')
        throw new InvalidRequestError('closeOut', listeningPublicReplyRefusal(account.handle));
      const text = signReply(brand, agent, closeOut);
      await this.checkCompliance(brand, careCase.platform, text, 'public');
      entry = {
        outboxId: `public_note:${caseId}:${request.requestId}`,
        caseId,
        brandId: brand.id,
        platform: careCase.platform,
        account: { id: account.id, role: 'care' },
        delivery: 'public_reply',
        inReplyToId: thread.platformMessageId,
        text,
        reason: 'public_note',
        author: agent.id,
        createdAt: this.now().toISOString(),
        status: 'pending',
        attempts: 0,
      };
      await this.deps.outbox.createOutbox(entry);
      outboxIds.push(entry.outboxId);
    }
    const now = this.now().toISOString();
    const { nextDeadlineAt: _a, nextDeadlineKind: _k, sla: _s, awaitingReplySince: _w, ...rest } = careCase;
    const updated = await this.save(
      {
        ...rest,
        version: careCase.version + 1,
        status: 'resolved',
        resolvedAt: now,
        resolvedBy: agent.id,
        assignee: careCase.assignee ?? agent.id,
      },
      careCase.version,
    );
    if (outboxIds.length) await this.deps.queue.enqueue(outboxIds);
    return { case: updated, outboxIds };
  }
}
