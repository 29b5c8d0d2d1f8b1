import type { AgentRecord, AgentRegistry } from '../../functions/core/access/agents';
import type { AuditEntry, AuditLog } from '../../functions/core/access/audit';
import type { AccountAuthorization, AccountStatusStore } from '../../functions/core/account-status';
import type {
  AbuseMark,
  CareCase,
  CaseMessage,
  CaseNote,
  CaseStore,
  CustomerProfile,
  CustomerRef,
  WriteOutcome,
} from '../../functions/core/cases';
import { recordedKey } from '../../functions/core/cases';
import type { CorrectionStore, LabelledExample } from '../../functions/core/corrections';
import type { EscalationState } from '../../functions/core/escalation';
import {
  type AccountEvent,
  type IngestItem,
  type Interaction,
  isAccountEvent,
  type Platform,
} from '../../functions/core/interaction';
import {
  type ClaimResult,
  OUTBOX_SWEEP_GRACE_MS,
  type OutboundQueue,
  type OutboxEntry,
  type OutboxStore,
} from '../../functions/core/outbox';
import type { Page, PageAcknowledgement, PageRecord, Pager, PageStore } from '../../functions/core/paging';
import type { DeadLetters, InteractionQueue, ParkedEvent } from '../../functions/core/queues';
import type { ReplyRateLimiter } from '../../functions/core/replies';
import type { AgentStatus } from '../../functions/core/routing/assignment';
import type {
  AgentState,
  AssignOutcome,
  RoutingStore,
  StoredRouting,
} from '../../functions/core/routing/dispatch';
import type { Sentiment, SentimentClassifier, SentimentInput } from '../../functions/core/sentiment';
import type { DueCaseFinder } from '../../functions/core/sla-monitor';
import type { VolumeCounter } from '../../functions/core/spike';
import type {
  WebhookHealthState,
  WebhookHealthStore,
  XAdminApi,
  XWebhook,
} from '../../functions/core/x-admin/ports';
import type { XPollStateStore, XStreamCursor } from '../../functions/core/x-intake/poll';

/** The CaseStore contract in memory, with the same all-or-none and version rules as DynamoDB. */
export class InMemoryCaseStore implements CaseStore {
  readonly cases = new Map<string, CareCase>();
  readonly messages = new Map<string, CaseMessage[]>();
  readonly recorded = new Set<string>();
  readonly openCaseOf = new Map<string, string>();

  private customerKey(brandId: string, customer: CustomerRef) {
    return `${brandId}:${customer.platform}:${customer.id}`;
  }

  async findRecorded(keys: Array<{ platform: Platform; platformMessageId: string }>): Promise<Set<string>> {
    return new Set(
      keys.map((k) => recordedKey(k.platform, k.platformMessageId)).filter((k) => this.recorded.has(k)),
    );
  }

  readonly caseCounts = new Map<string, number>();
  readonly caseIdsOf = new Map<string, string[]>();
  readonly abusive = new Map<string, AbuseMark>();

  async getCustomerProfile(brandId: string, customer: CustomerRef): Promise<CustomerProfile | undefined> {
    const key = this.customerKey(brandId, customer);
    const openCaseId = this.openCaseOf.get(key);
    const caseCount = this.caseCounts.get(key) ?? 0;
    const abusive = this.abusive.get(key);
    const caseIds = this.caseIdsOf.get(key);
    const links = this.links.get(key);
    const crmId = this.crmIds.get(key);
    if (!openCaseId && !caseCount && !abusive && !links && !crmId) return undefined;
    return {
      ...(links ? { links } : {}),
      ...(crmId ? { crmId } : {}),
      ...(openCaseId ? { openCaseId } : {}),
      caseCount,
      ...(caseIds ? { caseIds } : {}),
      ...(abusive ? { abusive } : {}),
    };
  }

  readonly links = new Map<string, CustomerRef[]>();
  readonly crmIds = new Map<string, string>();

  async linkCustomers(brandId: string, a: CustomerRef, b: CustomerRef) {
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      const key = this.customerKey(brandId, from);
      const list = this.links.get(key) ?? [];
      if (!list.some((l) => l.platform === to.platform && l.id === to.id))
        list.push({ platform: to.platform, id: to.id });
      this.links.set(key, list);
      this.caseCounts.set(key, this.caseCounts.get(key) ?? 0);
    }
  }

  async setCrmId(brandId: string, customer: CustomerRef, crmId: string | null) {
    const key = this.customerKey(brandId, customer);
    if (crmId) this.crmIds.set(key, crmId);
    else this.crmIds.delete(key);
  }

  async markAbusive(brandId: string, customer: CustomerRef, mark: AbuseMark | null) {
    const key = this.customerKey(brandId, customer);
    if (mark) this.abusive.set(key, mark);
    else this.abusive.delete(key);
  }

  async getCase(caseId: string) {
    const found = this.cases.get(caseId);
    return found ? structuredClone(found) : undefined;
  }

  async openCase(careCase: CareCase, message: CaseMessage): Promise<WriteOutcome> {
    const key = recordedKey(message.platform, message.platformMessageId);
    if (this.cases.has(careCase.caseId) || this.recorded.has(key)) return 'duplicate';
    const customer = this.customerKey(careCase.brandId, careCase.customer);
    if (this.openCaseOf.has(customer)) return 'conflict';
    this.cases.set(careCase.caseId, structuredClone(careCase));
    this.messages.set(careCase.caseId, [structuredClone(message)]);
    this.recorded.add(key);
    this.openCaseOf.set(customer, careCase.caseId);
    this.caseCounts.set(customer, (this.caseCounts.get(customer) ?? 0) + 1);
    this.caseIdsOf.set(customer, [...(this.caseIdsOf.get(customer) ?? []), careCase.caseId]);
    return 'written';
  }

  async attachMessage(
    updated: CareCase,
    expectedVersion: number,
    message: CaseMessage,
  ): Promise<WriteOutcome> {
    const key = recordedKey(message.platform, message.platformMessageId);
    if (this.recorded.has(key)) return 'duplicate';
    if (this.cases.get(updated.caseId)?.version !== expectedVersion) return 'conflict';
    this.cases.set(updated.caseId, structuredClone(updated));
    this.messages.get(updated.caseId)?.push(structuredClone(message));
    this.recorded.add(key);
    this.freeSlotIfResolved(updated);
    const customer = this.customerKey(updated.brandId, updated.customer);
    if (updated.status !== 'resolved' && message.direction === 'in' && !this.openCaseOf.has(customer))
      this.openCaseOf.set(customer, updated.caseId);
    return 'written';
  }

  async updateCase(updated: CareCase, expectedVersion: number): Promise<WriteOutcome> {
    if (this.cases.get(updated.caseId)?.version !== expectedVersion) return 'conflict';
    this.cases.set(updated.caseId, structuredClone(updated));
    this.freeSlotIfResolved(updated);
    return 'written';
  }

  private freeSlotIfResolved(careCase: CareCase) {
    const customer = this.customerKey(careCase.brandId, careCase.customer);
    if (careCase.status === 'resolved' && this.openCaseOf.get(customer) === careCase.caseId)
      this.openCaseOf.delete(customer);
  }

  async listOpenCases(brandId: string) {
    return [...this.cases.values()]
      .filter((c) => c.brandId === brandId && c.status !== 'resolved')
      .sort((a, b) => (a.nextDeadlineAt ?? '9999').localeCompare(b.nextDeadlineAt ?? '9999'));
  }

  readonly notes: CaseNote[] = [];
  readonly viewers = new Map<string, Map<string, string>>();

  async addNote(note: CaseNote) {
    this.notes.push(structuredClone(note));
  }

  async listNotes(caseId: string) {
    return this.notes.filter((n) => n.caseId === caseId);
  }

  async touchPresence(caseId: string, agent: string, at: Date) {
    const seen = this.viewers.get(caseId) ?? new Map<string, string>();
    seen.set(agent, at.toISOString());
    this.viewers.set(caseId, seen);
    return this.listViewers(caseId, agent, at);
  }

  async listViewers(caseId: string, agent: string, at: Date) {
    const seen = this.viewers.get(caseId) ?? new Map<string, string>();
    const since = new Date(at.getTime() - 60_000).toISOString();
    return [...seen].filter(([who, when]) => who !== agent && when >= since).map(([who]) => who);
  }

  async listCasesOpenedBetween(brandId: string, from: string, to: string) {
    return [...this.cases.values()].filter(
      (c) => c.brandId === brandId && c.openedAt >= from && c.openedAt <= to,
    );
  }

  /** Pages of 100, as a query would give them. */
  async *pageCasesOpenedBetween(brandId: string, from: string, to: string) {
    const cases = await this.listCasesOpenedBetween(brandId, from, to);
    cases.sort((a, b) => a.openedAt.localeCompare(b.openedAt));
    for (let i = 0; i < cases.length; i += 100) yield cases.slice(i, i + 100);
  }

  async listMessages(caseId: string) {
    return this.messages.get(caseId) ?? [];
  }
}

export class RecordingQueue implements InteractionQueue {
  readonly sent: Interaction[] = [];
  readonly events: AccountEvent[] = [];
  async enqueue(items: IngestItem[]) {
    for (const item of items) {
      if (isAccountEvent(item)) this.events.push(item);
      else this.sent.push(item);
    }
  }
}

export class RecordingDeadLetters implements DeadLetters {
  readonly parked: ParkedEvent[] = [];
  async park(events: ParkedEvent[]) {
    this.parked.push(...events);
  }
}

/** A classifier with fixed answers by text, counting its calls. */
export class StubSentiment implements SentimentClassifier {
  calls = 0;
  constructor(private readonly labelOf: (text: string) => Sentiment['label'] = () => 'NEGATIVE') {}
  async classify(inputs: SentimentInput[]): Promise<Sentiment[]> {
    this.calls++;
    return inputs.map((input) => ({
      label: this.labelOf(input.text),
      scores: { positive: 0.1, negative: 0.7, neutral: 0.1, mixed: 0.1 },
      source: 'local',
    }));
  }
}

/** The outbox contract in memory: the same conditional state changes as DynamoDB. */
export class InMemoryOutboxStore implements OutboxStore {
  readonly entries = new Map<string, OutboxEntry>();
  /** When the sweeper may take each unsent entry (epoch ms), as the table's index holds it. */
  readonly sweepAt = new Map<string, number>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  async createOutbox(entry: OutboxEntry) {
    if (this.entries.has(entry.outboxId)) return 'exists' as const;
    this.entries.set(entry.outboxId, structuredClone(entry));
    if (entry.status === 'pending')
      this.sweepAt.set(entry.outboxId, this.now().getTime() + OUTBOX_SWEEP_GRACE_MS);
    return 'created' as const;
  }

  async takeUnsent(now: Date, limit: number, snoozeMs: number) {
    const due = [...this.sweepAt.entries()]
      .filter(([, at]) => at <= now.getTime())
      .sort((a, b) => a[1] - b[1])
      .slice(0, limit)
      .map(([id]) => id);
    for (const id of due) this.sweepAt.set(id, now.getTime() + snoozeMs);
    return due;
  }

  async getOutbox(outboxId: string) {
    const entry = this.entries.get(outboxId);
    return entry ? structuredClone(entry) : undefined;
  }

  async claimOutbox(outboxId: string, now: Date): Promise<ClaimResult> {
    const entry = this.entries.get(outboxId);
    if (!entry) return 'missing';
    if (entry.status === 'sent') return 'already_sent';
    if (entry.status === 'sending') return 'in_flight';
    if (entry.status !== 'pending') return 'closed';
    Object.assign(entry, {
      status: 'sending',
      sendingSince: now.toISOString(),
      attempts: entry.attempts + 1,
    });
    this.sweepAt.set(outboxId, now.getTime() + 6 * 60_000);
    return 'claimed';
  }

  async releaseOutbox(outboxId: string, error: string, retryAt?: Date) {
    const entry = this.entries.get(outboxId);
    if (entry?.status !== 'sending') return;
    Object.assign(entry, {
      status: 'pending',
      error,
      ...(retryAt ? { deferredUntil: retryAt.toISOString() } : {}),
    });
    const from = Math.max(this.now().getTime(), retryAt?.getTime() ?? 0);
    this.sweepAt.set(outboxId, from + OUTBOX_SWEEP_GRACE_MS);
  }

  async completeOutbox(outboxId: string, result: { platformMessageId: string; sentAt: string }) {
    const entry = this.entries.get(outboxId);
    if (entry) Object.assign(entry, { status: 'sent', ...result });
    if (entry) delete entry.deferredUntil;
    this.sweepAt.delete(outboxId);
  }

  async closeOutbox(outboxId: string, status: 'failed' | 'uncertain', error: string) {
    const entry = this.entries.get(outboxId);
    if (entry) Object.assign(entry, { status, error });
    if (entry) delete entry.deferredUntil;
    this.sweepAt.delete(outboxId);
  }
}

export class RecordingOutboundQueue implements OutboundQueue {
  readonly ids: string[] = [];
  async enqueue(outboxIds: string[]) {
    this.ids.push(...outboxIds);
  }
}

export class InMemoryPageStore implements PageStore {
  readonly records = new Map<string, PageRecord>();
  /** The escalation index: page id -> when it is due. */
  readonly escalating = new Map<string, string>();
  async createPage(page: Page) {
    if (this.records.has(page.pageId)) return 'duplicate' as const;
    this.records.set(page.pageId, { ...page, status: 'pending' });
    return 'created' as const;
  }
  async markPublished(pageId: string, at: string, escalateAt?: string) {
    const record = this.records.get(pageId);
    if (record) Object.assign(record, { status: 'published', publishedAt: at });
    if (escalateAt) this.escalating.set(pageId, escalateAt);
    else this.escalating.delete(pageId);
  }
  async acknowledge(pageId: string, ack: PageAcknowledgement) {
    const record = this.records.get(pageId);
    if (!record) return 'not_found' as const;
    if (record.acknowledgedAt) return 'already' as const;
    Object.assign(record, {
      acknowledgedBy: ack.by,
      acknowledgedByName: ack.byName,
      acknowledgedVia: ack.via,
      acknowledgedAt: ack.at,
    });
    return 'acknowledged' as const;
  }
  async listDueEscalations(now: string) {
    return [...this.escalating.entries()]
      .filter(([, due]) => due <= now)
      .flatMap(([id]) => (this.records.has(id) ? [{ ...this.records.get(id)! }] : []));
  }
  async climb(pageId: string, from: number, next: EscalationState, _at: string) {
    const record = this.records.get(pageId);
    if (!record || (record.level ?? 1) !== from || record.acknowledgedAt || record.stoppedAt)
      return 'conflict' as const;
    const { escalateAt: _previous, ...rest } = record;
    this.records.set(pageId, { ...rest, ...next, status: 'pending' });
    this.escalating.delete(pageId);
    return 'climbed' as const;
  }
  async stop(pageId: string, reason: 'answered' | 'resolved', at: string) {
    const record = this.records.get(pageId);
    if (!record || record.stoppedAt) return 'already' as const;
    Object.assign(record, { stoppedAt: at, stopReason: reason });
    this.escalating.delete(pageId);
    return 'stopped' as const;
  }
  async clearEscalation(pageId: string) {
    this.escalating.delete(pageId);
  }
  async listUnpublished(before: string) {
    return [...this.records.values()].filter((r) => r.status === 'pending' && r.createdAt < before);
  }
  async getPages(pageIds: string[]) {
    return pageIds
      .flatMap((id) => {
        const record = this.records.get(id);
        return record ? [record] : [];
      })
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }
  async listPages(limit: number, brandId?: string) {
    return [...this.records.values()]
      .filter((r) => !brandId || r.brandId === brandId)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, limit);
  }
}

export class RecordingPager implements Pager {
  readonly published: Page[] = [];
  readonly resolved: string[] = [];
  async publish(page: Page) {
    this.published.push(page);
  }
  async resolve(page: Pick<Page, 'pageId'>) {
    this.resolved.push(page.pageId);
  }
}

/** The deadline index over an in-memory store: open cases whose SLA check time has come. */
export class InMemoryDueFinder implements DueCaseFinder {
  constructor(private readonly store: InMemoryCaseStore) {}
  async findDueCaseIds(now: Date) {
    return [...this.store.cases.values()]
      .filter((c) => c.status === 'open' && c.sla?.checkAt && c.sla.checkAt <= now.toISOString())
      .map((c) => c.caseId);
  }
}

export class InMemoryRateLimiter implements ReplyRateLimiter {
  readonly used = new Map<string, number>();
  async tryConsume(key: string, limit: number, windowEnd: Date) {
    const slot = `${key}|${windowEnd.toISOString()}`;
    const used = this.used.get(slot) ?? 0;
    if (used >= limit) return false;
    this.used.set(slot, used + 1);
    return true;
  }
}

export class InMemoryVolumeCounter implements VolumeCounter {
  readonly buckets = new Map<string, number>();
  async increment(key: string, bucketStart: Date) {
    const slot = `${key}|${bucketStart.toISOString()}`;
    const n = (this.buckets.get(slot) ?? 0) + 1;
    this.buckets.set(slot, n);
    return n;
  }
  async counts(key: string, bucketStarts: Date[]) {
    return bucketStarts.map((b) => this.buckets.get(`${key}|${b.toISOString()}`) ?? 0);
  }
}

/** The account-authorization port in memory, with the adapter's rule: an older revocation never undoes a newer re-authorization. */
export class InMemoryAccountStatusStore implements AccountStatusStore {
  readonly statuses = new Map<string, AccountAuthorization>();
  async markRevoked(platform: Platform, accountId: string, revocation: { at: string; eventId: string }) {
    const key = `${platform}:${accountId}`;
    const current = this.statuses.get(key);
    if (current?.reauthorizedAt && current.reauthorizedAt >= revocation.at) return 'stale' as const;
    if (current?.revokedAt && current.revokedAt > revocation.at) return 'stale' as const;
    this.statuses.set(key, {
      ...(current ?? { platform, accountId }),
      revokedAt: revocation.at,
      revokedEvent: revocation.eventId,
    });
    return 'marked' as const;
  }
  async markReauthorized(platform: Platform, accountId: string, at: string) {
    const key = `${platform}:${accountId}`;
    this.statuses.set(key, { ...(this.statuses.get(key) ?? { platform, accountId }), reauthorizedAt: at });
  }
  async get(platform: Platform, accountId: string) {
    return this.statuses.get(`${platform}:${accountId}`);
  }
}

/** The poller's cursors, leases and spend counters in memory, with DynamoDB's conditional semantics. */
export class InMemoryXPollState implements XPollStateStore {
  readonly items = new Map<string, XStreamCursor & { leaseOwner?: string; leaseUntil?: string }>();
  readonly spent = new Map<string, number>();
  async lease(stream: string, owner: string, now: Date, leaseMs: number) {
    const item = this.items.get(stream) ?? {};
    if (item.leaseUntil && item.leaseUntil >= now.toISOString()) return undefined;
    this.items.set(stream, {
      ...item,
      leaseOwner: owner,
      leaseUntil: new Date(now.getTime() + leaseMs).toISOString(),
    });
    const { leaseOwner: _o, leaseUntil: _u, ...cursor } = item;
    return cursor;
  }
  async commit(stream: string, owner: string, cursor: XStreamCursor) {
    if (this.items.get(stream)?.leaseOwner !== owner) return false;
    this.items.set(stream, { ...cursor });
    return true;
  }
  async addSpend(brandId: string, month: string, _resources: number, microUsd: number) {
    const key = `${brandId}:${month}`;
    const total = (this.spent.get(key) ?? 0) + microUsd;
    this.spent.set(key, total);
    return total;
  }
  async spend(brandId: string, month: string) {
    return this.spent.get(`${brandId}:${month}`) ?? 0;
  }
}

/** The webhook health check's one item, with the conditional write on its version. */
export class InMemoryWebhookHealthStore implements WebhookHealthStore {
  state: WebhookHealthState = { version: 0 };
  async read() {
    return { ...this.state };
  }
  async write(state: WebhookHealthState, expectedVersion: number) {
    if (this.state.version !== expectedVersion) return false;
    this.state = { ...state };
    return true;
  }
}

/** X's webhook endpoints as the health check sees them, with what it was asked. */
export class FakeXWebhooks implements Pick<XAdminApi, 'listWebhooks' | 'validateWebhook' | 'replay'> {
  webhooks: XWebhook[] = [];
  crcPasses = true;
  replayFails = false;
  readonly validations: string[] = [];
  readonly replays: Array<{ webhookId: string; from: string; to: string }> = [];
  async listWebhooks() {
    return this.webhooks.map((w) => ({ ...w }));
  }
  async validateWebhook(id: string) {
    this.validations.push(id);
    const webhook = this.webhooks.find((w) => w.id === id);
    if (webhook && this.crcPasses) webhook.valid = true;
    return Boolean(webhook?.valid);
  }
  async replay(webhookId: string, from: Date, to: Date) {
    if (this.replayFails) throw new Error('X answered 503');
    this.replays.push({ webhookId, from: from.toISOString(), to: to.toISOString() });
    return { jobId: `job-${this.replays.length}` };
  }
}

/** The agent registry in memory: ids and token hashes unique, removed agents kept and marked. */
export class InMemoryAgentRegistry implements AgentRegistry {
  readonly agents = new Map<string, AgentRecord>();

  async addAgent(agent: AgentRecord) {
    const taken = [...this.agents.values()].some(
      (a) => a.id === agent.id || (agent.tokenHash && a.tokenHash === agent.tokenHash),
    );
    if (taken) return 'duplicate' as const;
    this.agents.set(agent.id, { ...agent });
    return 'written' as const;
  }

  async getAgent(id: string) {
    return this.agents.get(id);
  }

  async findByTokenHash(tokenHash: string) {
    return [...this.agents.values()].find((a) => a.tokenHash === tokenHash && !a.removedAt);
  }

  async listAgents() {
    return [...this.agents.values()];
  }

  async removeAgent(id: string) {
    const agent = this.agents.get(id);
    if (!agent || agent.removedAt) return false;
    const { tokenHash: _revoked, ...kept } = agent;
    this.agents.set(id, { ...kept, removedAt: new Date().toISOString() });
    return true;
  }
}

/** The audit trail in memory: appended only. */
export class InMemoryAuditLog implements AuditLog {
  readonly entries: AuditEntry[] = [];

  async append(entry: AuditEntry) {
    this.entries.push({ ...entry });
  }

  async listForCase(caseId: string) {
    return this.entries.filter((e) => e.caseId === caseId);
  }

  async *listForBrand(brandId: string, from: string, to: string) {
    yield this.entries.filter((e) => e.brandId === brandId && e.at >= from && e.at <= to);
  }
}

/** The RoutingStore contract in memory: the same conditions as the DynamoDB transaction. */
export class InMemoryRoutingStore implements RoutingStore {
  readonly versions = new Map<string, StoredRouting[]>();
  readonly states = new Map<string, AgentState>();

  constructor(private readonly cases: InMemoryCaseStore) {}

  async currentRouting(brandId: string) {
    return this.versions.get(brandId)?.at(-1);
  }

  async saveRouting(entry: StoredRouting) {
    const list = this.versions.get(entry.brandId) ?? [];
    if (list.some((v) => v.version === entry.version)) return 'conflict' as const;
    list.push(structuredClone(entry));
    list.sort((a, b) => a.version - b.version);
    this.versions.set(entry.brandId, list);
    return 'written' as const;
  }

  async listRoutingVersions(brandId: string, limit: number) {
    return [...(this.versions.get(brandId) ?? [])].reverse().slice(0, limit);
  }

  async listAgentStates() {
    return [...this.states.values()].map((s) => structuredClone(s));
  }

  async getAgentState(agentId: string) {
    const state = this.states.get(agentId);
    return state ? structuredClone(state) : undefined;
  }

  private stateOf(agentId: string): AgentState {
    const state = this.states.get(agentId) ?? { agentId, status: 'away' as const, openCaseIds: [] };
    this.states.set(agentId, state);
    return state;
  }

  async setStatus(agentId: string, status: AgentStatus, at: string) {
    const state = this.stateOf(agentId);
    Object.assign(state, { status, statusAt: at });
    return structuredClone(state);
  }

  async assignWithinCapacity(
    updated: CareCase,
    expectedVersion: number,
    agentId: string,
    seenOpenCases: number,
  ): Promise<AssignOutcome> {
    const current = this.cases.cases.get(updated.caseId);
    if (current?.version !== expectedVersion || current.assignee) return 'conflict';
    const state = this.states.get(agentId);
    if (state?.status !== 'available' || state.openCaseIds.length !== seenOpenCases) return 'unavailable';
    await this.cases.updateCase(updated, expectedVersion);
    await this.hold(agentId, updated.caseId);
    return 'written';
  }

  async hold(agentId: string, caseId: string) {
    const state = this.stateOf(agentId);
    if (!state.openCaseIds.includes(caseId)) state.openCaseIds.push(caseId);
  }

  async release(agentId: string, caseId: string) {
    const state = this.stateOf(agentId);
    state.openCaseIds = state.openCaseIds.filter((id) => id !== caseId);
  }
}

/** Labelled examples (agents' corrections) in memory, per brand by time. */
export class InMemoryCorrectionStore implements CorrectionStore {
  readonly examples: LabelledExample[] = [];
  async add(example: LabelledExample) {
    this.examples.push(example);
  }
  async listForBrand(brandId: string, from: string, to: string) {
    return this.examples
      .filter((e) => e.brandId === brandId && e.at >= from && e.at <= `${to}#~`)
      .sort((a, b) => a.at.localeCompare(b.at));
  }
}
