import { type HttpEvent, type HttpResult, header, json, method, problem, rawBody } from '../commons/http';
import { logger } from '../commons/logger';
import {
  type AgentRecord,
  type AgentRegistry,
  type Authenticator,
  hashToken,
  issueToken,
  newAgentId,
  parseNewAgent,
  publicAgent,
} from '../core/access/agents';
import {
  type AuditAction,
  type AuditEntry,
  type AuditLog,
  auditCsvHeader,
  auditLine,
  newAuditId,
} from '../core/access/audit';
import {
  ALL_BRANDS,
  allowedActions,
  decide,
  decideOnCase,
  seesCase,
  visibleBrands,
  worksFor,
} from '../core/access/policy';
import { type AccountStatusStore, needsReauthorization } from '../core/account-status';
import {
  type Agent,
  type AgentDesk,
  CaseNotFoundError,
  ComplianceError,
  InvalidRequestError,
  StaleVersionError,
} from '../core/agent-desk';
import type { BrandDirectory } from '../core/brand-config';
import { CASE_LANES, type CareCase, type CaseStore, laneOf } from '../core/cases';
import { type CorrectionStore, correctedMessage, labelLine, labelTsvHeader } from '../core/corrections';
import {
  type ExportSink,
  type ExportSource,
  InvalidExportError,
  parseExportRequest,
  runExport,
} from '../core/exports';
import type { Platform } from '../core/interaction';
import type { ManagerSubscriptions } from '../core/local-managers';
import { acknowledgePage, stopPagesOfCase } from '../core/page-escalation';
import { type Pager, type PageStore, pageIdsOfCase } from '../core/paging';
import { buildReport, buildSeries, buildTopicReport } from '../core/report';
import { AGENT_STATUSES, type AgentStatus } from '../core/routing/assignment';
import { dryRun, fillTeamQueues, type RoutingStore, routingOf, teamLoads } from '../core/routing/dispatch';
import { DEFAULT_CAPACITY } from '../core/routing/rules';
import { parseRouting, RoutingRulesError } from '../core/routing/rules-input';
import { listeningPublicReplyRefusal } from '../core/x-intake/listening';
import { AGENT_API_ROUTES, type AgentApiRoute, parseRoute, routeParameters } from './routes';

export interface AgentApiDeps {
  store: CaseStore;
  directory: BrandDirectory;
  pages: PageStore;
  desk: AgentDesk;
  agents: AgentRegistry;
  audit: AuditLog;
  authenticator: Authenticator;
  /**
   * How callers prove who they are: `jwt` in AWS (API Gateway verified the Cognito token; the `sub`
   * names the agent in the registry), `token` locally (each agent's own bearer token).
   */
  auth: 'jwt' | 'token';
  /** Subscribes a new local manager's e-mail to the pages addressed to them. Absent: nobody is subscribed. */
  subscriptions?: ManagerSubscriptions;
  /** Agents' corrections kept as labelled examples per brand. */
  labels: CorrectionStore;
  /** Whether our accounts still let us act for them (X oauth.revoke). Absent: not reported. */
  accounts?: AccountStatusStore;
  /** Routing rules and agents' presence and load. Absent: no statuses, stored rules or auto-assignment. */
  routing?: RoutingStore;
  /** Answering or resolving a case stops its pages' chains and resolves their incidents. Absent: not. */
  pager?: Pager;
  now?: () => Date;
  /** Where exports are read from and written to (an S3 bucket in AWS, a folder locally). Absent: 501. */
  exports?: { source: ExportSource; sink: ExportSink };
}

const MAX_LIMIT = 200;

export {
  AGENT_API_ROUTES,
  AGENT_ROUTES,
  type AgentApiRoute,
  parseRoute,
  type RouteScope,
  routeParameters,
} from './routes';

type Claims = Record<string, unknown>;

function claimsOf(event: HttpEvent): Claims | undefined {
  return (event.requestContext as { authorizer?: { jwt?: { claims?: Claims } } }).authorizer?.jwt?.claims;
}

function bearerOf(event: HttpEvent): string | undefined {
  const value = header(event, 'authorization') ?? '';
  return value.startsWith('Bearer ') ? value.slice('Bearer '.length) : undefined;
}

/** What a route runs with: the caller from the registry and, for a case route, the case it may see. */
interface RouteContext {
  event: HttpEvent;
  params: Record<string, string>;
  caller: AgentRecord;
  careCase?: CareCase;
  /** The brands the request is about (a query's, or every brand the caller works for). */
  brandIds: string[];
  record(action: AuditAction, entry: Partial<AuditEntry> & { brandId: string }): Promise<void>;
}

class BadJsonError extends Error {}

/** A route that needs a store this deployment does not keep. */
class NotKeptError extends Error {}

/** The caller's presence and load, for GET /api/me. */
async function presenceOf(routing: RoutingStore, caller: AgentRecord) {
  const state = await routing.getAgentState(caller.id);
  return {
    status: state?.status ?? 'away',
    openCases: state?.openCaseIds.length ?? 0,
    capacity: caller.capacity ?? DEFAULT_CAPACITY,
  };
}

function body(event: HttpEvent): Record<string, unknown> {
  if (!event.body) return {};
  try {
    const value = JSON.parse(rawBody(event).toString('utf8')) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadJsonError();
    return value as Record<string, unknown>;
  } catch {
    throw new BadJsonError();
  }
}

function limitOf(query: Record<string, string | undefined>): number {
  const limit = Number(query.limit ?? '50');
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new InvalidRequestError('limit', `a whole number from 1 to ${MAX_LIMIT}`);
  }
  return limit;
}

const PRIORITY_ORDER = ['urgent', 'high', 'normal', 'low'];

/** The queue's order: soonest deadline, then priority, then case id (so every case has one place). */
type QueuePosition = [deadline: string, priority: number, caseId: string];
const positionOf = (c: CareCase): QueuePosition => [
  c.nextDeadlineAt ?? '9999',
  PRIORITY_ORDER.indexOf(c.priority),
  c.caseId,
];
function comparePositions(a: QueuePosition, b: QueuePosition): number {
  return a[0].localeCompare(b[0]) || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);
}

/**
 * The opaque `next` of a queue page: the position of its last case. The following page starts after
 * it, so a case that is resolved or added meanwhile neither shifts nor repeats the others.
 */
function encodeCursor(position: QueuePosition): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}
function decodeCursor(text: string): QueuePosition {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(value) &&
      value.length === 3 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'number' &&
      typeof value[2] === 'string'
    ) {
      return value as QueuePosition;
    }
  } catch {
    // reported below
  }
  throw new InvalidRequestError('cursor', 'the "next" value of an earlier page, unchanged');
}

/** Errors meant for the caller become 4xx with a clear message; anything else is a plain 500. */
function toHttp(error: unknown): HttpResult {
  if (error instanceof BadJsonError) return problem(400, 'the body must be a JSON object');
  if (error instanceof NotKeptError)
    return problem(501, 'agent presence and routing are not kept in this deployment');
  if (error instanceof InvalidRequestError) return json(400, { error: error.message, field: error.field });
  if (error instanceof RoutingRulesError)
    return json(400, { error: error.message, problems: error.problems });
  if (error instanceof RoutingConflictError)
    return json(409, { error: error.message, currentVersion: error.currentVersion });
  if (error instanceof InvalidExportError) return json(400, { error: error.message, field: error.field });
  if (error instanceof CaseNotFoundError) return problem(404, error.message);
  if (error instanceof StaleVersionError)
    return json(409, { error: error.message, currentVersion: error.currentVersion });
  if (error instanceof ComplianceError) return json(422, { error: error.message, problems: error.problems });
  logger.error('agent API request failed', { error: error as Error });
  return problem(500, 'internal error');
}

class RoutingConflictError extends Error {
  constructor(readonly currentVersion: number) {
    super(
      `the routing rules changed since you read them (now version ${currentVersion}): reload and try again`,
    );
  }
}

const MAX_DRY_RUN = 500;

function isBreached(careCase: CareCase, now: Date): boolean {
  return Boolean(careCase.nextDeadlineAt && careCase.nextDeadlineAt < now.toISOString());
}

/** The desk's view of the caller: its registry id, and the name and initials an admin set. */
const deskAgent = (caller: AgentRecord): Agent => ({
  id: caller.id,
  name: caller.name,
  initials: caller.initials,
});

const customerKey = (params: Record<string, string>) => `${params.platform}:${params.customerId}`;

/**
 * The agent API: the queue, a case with its history and its audit trail, working a case, pages,
 * reports, abuse marks, the agent registry and the audit export. The router identifies the caller,
 * finds the brands a request is about, and asks the access policy once, before any route runs:
 * another brand's case or customer answers 404 as if it did not exist; a role short of the action, 403.
 */
export function createAgentApi(deps: AgentApiDeps): (event: HttpEvent) => Promise<HttpResult> {
  const now = () => deps.now?.() ?? new Date();
  const brandIds = deps.directory.allBrands.map((b) => b.id);

  async function identify(event: HttpEvent): Promise<AgentRecord | undefined> {
    if (deps.auth === 'jwt') {
      const claims = claimsOf(event);
      return claims ? deps.authenticator.byClaims(claims) : undefined;
    }
    const token = bearerOf(event);
    return token ? deps.authenticator.byToken(token) : undefined;
  }

  /** The brands a request is about, or undefined when what it names does not exist (404). */
  async function brandsOf(
    route: AgentApiRoute,
    params: Record<string, string>,
    event: HttpEvent,
  ): Promise<{ brandIds: string[]; careCase?: CareCase } | undefined> {
    switch (route.scope) {
      case 'caller':
        return { brandIds: [] };
      case 'case': {
        const careCase = await deps.store.getCase(params.caseId!);
        return careCase ? { brandIds: [careCase.brandId], careCase } : undefined;
      }
      case 'customer':
      case 'brand':
        return deps.directory.brand(params.brandId!) ? { brandIds: [params.brandId!] } : undefined;
      case 'query': {
        const named = event.queryStringParameters?.brand;
        if (named === undefined) return { brandIds: [] };
        return deps.directory.brand(named) ? { brandIds: [named] } : undefined;
      }
      case 'page': {
        const [page] = await deps.pages.getPages([params.pageId!]);
        return page ? { brandIds: [page.brandId] } : undefined;
      }
      case 'account': {
        const found = deps.directory.findAccount(params.platform as Platform, params.accountId!);
        return found ? { brandIds: [found.brand.id] } : undefined;
      }
      case 'agent': {
        if (params.agentId !== undefined) {
          const agent = await deps.agents.getAgent(params.agentId);
          return agent && !agent.removedAt ? { brandIds: agent.brands } : undefined;
        }
        const brands = body(event).brands;
        return {
          brandIds: Array.isArray(brands)
            ? brands.filter((b): b is string => brandIds.includes(b) || b === ALL_BRANDS)
            : [],
        };
      }
    }
  }

  /**
   * The case was answered or resolved: its pages stop climbing and their PagerDuty incidents are
   * resolved. The agent's action stands even when this fails (the monitor stops the chain on its next
   * run: it checks the case before each climb).
   */
  async function stopChains(careCase: CareCase, reason: 'answered' | 'resolved'): Promise<void> {
    if (!deps.pager) return;
    try {
      const messages = await deps.store.listMessages(careCase.caseId);
      await stopPagesOfCase(
        careCase,
        messages.filter((m) => m.direction === 'in'),
        reason,
        { pages: deps.pages, pager: deps.pager, now },
      );
    } catch (error) {
      logger.error('stopping the case pages failed; the monitor stops them', {
        caseId: careCase.caseId,
        error: error as Error,
      });
    }
  }

  /** The brands a query covers: the one it names, or every brand the caller works for. */
  const queryBrands = (context: RouteContext) =>
    context.brandIds.length
      ? context.brandIds.map((id) => deps.directory.brand(id)!)
      : visibleBrands(context.caller, deps.directory.allBrands);

  function requireRouting(): RoutingStore {
    if (!deps.routing) throw new NotKeptError();
    return deps.routing;
  }

  const routingDeps = (routing: RoutingStore) => ({
    routing,
    cases: deps.store,
    agents: deps.agents,
    now,
  });

  /** Waiting cases of these teams go to whoever can take them now (an agent came back or freed a slot). */
  async function fillQueues(brandIdsToFill: readonly string[], teams: readonly string[]): Promise<void> {
    if (!deps.routing || !teams.length) return;
    for (const brandId of brandIdsToFill) {
      const brand = deps.directory.brand(brandId);
      if (brand) await fillTeamQueues(brand, teams, routingDeps(deps.routing));
    }
  }

  /** The brands an agent works for, by id. */
  const brandsOfAgent = (agent: Pick<AgentRecord, 'brands'>) =>
    agent.brands.includes(ALL_BRANDS) ? brandIds : agent.brands.filter((b) => brandIds.includes(b));

  /** A case changed hands (or was resolved): its old owner's load drops, the new one's rises. */
  async function moveLoad(caseId: string, from: string | undefined, to: string | undefined): Promise<void> {
    if (!deps.routing || from === to) return;
    if (to) await deps.routing.hold(to, caseId);
    if (from) await deps.routing.release(from, caseId);
  }

  const handlers: Record<AgentApiRoute['key'], (context: RouteContext) => Promise<HttpResult>> = {
    me: async ({ caller }) =>
      json(200, {
        ...publicAgent(caller),
        ...(deps.routing ? await presenceOf(deps.routing, caller) : {}),
        // The console's session reads `agent`; `allowed` says which of its controls to show.
        agent: { id: caller.id, name: caller.name, initials: caller.initials },
        allowed: allowedActions(caller),
      }),
    'me.status': async ({ event, caller, record }) => {
      const status = body(event).status;
      if (typeof status !== 'string' || !(AGENT_STATUSES as readonly string[]).includes(status)) {
        throw new InvalidRequestError('status', `one of ${AGENT_STATUSES.join(', ')}`);
      }
      const state = await requireRouting().setStatus(caller.id, status as AgentStatus, now().toISOString());
      for (const brandId of brandsOfAgent(caller)) {
        await record('status_changed', { brandId, target: caller.id, detail: { status } });
      }
      // Back at work: the team's waiting cases come to whoever can take them (this agent first if least loaded).
      if (status === 'available') await fillQueues(brandsOfAgent(caller), caller.teams);
      const after = (await deps.routing?.getAgentState(caller.id)) ?? state;
      return json(200, {
        status: after.status,
        statusAt: after.statusAt,
        openCases: after.openCaseIds.length,
        capacity: caller.capacity ?? DEFAULT_CAPACITY,
      });
    },
    brands: async ({ caller }) =>
      json(200, {
        brands: visibleBrands(caller, deps.directory.allBrands).map((b) => ({
          id: b.id,
          name: b.name,
          timezone: b.calendar.timezone,
          accounts: b.accounts.map(({ platform, handle, role }) => ({ platform, handle, role })),
          locations: b.locations.map(({ code, name, timezone }) => ({ code, name, timezone })),
          topics: b.topics.map((t) => t.name),
          agentDesk: b.agentDesk,
        })),
      }),
    'agents.list': async ({ caller }) => {
      const all = await deps.agents.listAgents();
      const shared = (a: AgentRecord) =>
        caller.brands.includes(ALL_BRANDS) || a.brands.some((b) => b !== ALL_BRANDS && worksFor(caller, b));
      return json(200, { agents: all.filter(shared).map(publicAgent) });
    },
    'agents.add': async ({ event, caller, record }) => {
      const input = parseNewAgent(
        body(event),
        brandIds,
        (brandId) => deps.directory.brand(brandId)?.locations.map((l) => l.code) ?? [],
      );
      if (deps.auth === 'jwt' && !input.id) {
        throw new InvalidRequestError(
          'id',
          "the agent's Cognito user id (sub): agents sign in with Cognito here",
        );
      }
      const token = deps.auth === 'token' ? issueToken() : undefined;
      const agent: AgentRecord = {
        ...input,
        id: input.id ?? newAgentId(),
        ...(token ? { tokenHash: hashToken(token) } : {}),
        createdAt: now().toISOString(),
        createdBy: caller.id,
      };
      // A local manager's e-mail gets the pages addressed to them (SNS asks the address to confirm once).
      // Subscribed before the agent is written, so a failed subscription leaves no manager who would
      // never hear; never for an id already taken (that address would get another agent's pages).
      if (agent.notify?.email && deps.subscriptions) {
        if (await deps.agents.getAgent(agent.id))
          throw new InvalidRequestError('id', `there is already an agent ${agent.id}`);
        await deps.subscriptions.subscribeEmail(agent.id, agent.notify.email);
      }
      if ((await deps.agents.addAgent(agent)) === 'duplicate') {
        throw new InvalidRequestError('id', `there is already an agent ${agent.id}`);
      }
      const target = agent.brands.includes(ALL_BRANDS) ? brandIds : agent.brands;
      for (const brandId of target) {
        await record('agent_created', {
          brandId,
          target: agent.id,
          detail: {
            name: agent.name,
            initials: agent.initials,
            role: agent.role,
            brands: agent.brands,
            ...(agent.locations ? { locations: agent.locations } : {}),
          },
        });
      }
      return json(201, { id: agent.id, ...(token ? { token } : {}), agent: publicAgent(agent) });
    },
    'agents.remove': async ({ params, record }) => {
      const agent = await deps.agents.getAgent(params.agentId!);
      if (!agent || !(await deps.agents.removeAgent(agent.id)))
        throw new CaseNotFoundError(`agent ${params.agentId}`);
      const target = agent.brands.includes(ALL_BRANDS) ? brandIds : agent.brands;
      for (const brandId of target) await record('agent_removed', { brandId, target: agent.id });
      return json(200, { removed: agent.id });
    },
    'cases.list': async (context) => {
      const query = context.event.queryStringParameters ?? {};
      const limit = limitOf(query);
      const at = now();
      const after = query.cursor ? decodeCursor(query.cursor) : undefined;
      // Only the cases the caller may see count (a local manager's locations), in the list and the counts.
      const all = (await Promise.all(queryBrands(context).map((b) => deps.store.listOpenCases(b.id))))
        .flat()
        .filter((c) => seesCase(context.caller, c));
      const counts = {
        open: all.filter((c) => c.status === 'open').length,
        waiting_on_customer: all.filter((c) => c.status === 'waiting_on_customer').length,
        unassigned: all.filter((c) => !c.assignee).length,
        breached: all.filter((c) => isBreached(c, at)).length,
        // The lanes: owed an answer (deadlines), or recorded with nothing to answer (no deadlines).
        reply: all.filter((c) => laneOf(c) === 'reply').length,
        no_reply: all.filter((c) => laneOf(c) === 'no_reply').length,
      };
      if (query.lane !== undefined && !(CASE_LANES as readonly string[]).includes(query.lane)) {
        throw new InvalidRequestError('lane', `one of ${CASE_LANES.join(', ')}`);
      }
      const matching = all
        .filter((c) => !query.status || c.status === query.status)
        .filter(
          (c) => !query.assignee || (query.assignee === 'none' ? !c.assignee : c.assignee === query.assignee),
        )
        .filter((c) => !query.platform || c.platform === query.platform)
        // A team's queue (`none`: cases no rule gave a team).
        .filter((c) => !query.team || (query.team === 'none' ? !c.team : c.team === query.team))
        .filter((c) => !query.sentiment || c.sentiment === query.sentiment)
        .filter(
          (c) => !query.location || (query.location === 'none' ? !c.location : c.location === query.location),
        )
        .filter((c) => !query.lane || laneOf(c) === query.lane)
        .filter((c) => !query.topic || (query.topic === 'none' ? !c.topic : c.topic === query.topic))
        .filter((c) => query.breached !== 'true' || isBreached(c, at))
        .map((c) => ({ c, position: positionOf(c) }))
        .filter(({ position }) => !after || comparePositions(position, after) > 0)
        .sort((a, b) => comparePositions(a.position, b.position));
      const page = matching.slice(0, limit);
      const last = page.at(-1);
      return json(200, {
        cases: page.map(({ c }) => c),
        counts,
        now: at.toISOString(),
        ...(matching.length > limit && last ? { next: encodeCursor(last.position) } : {}),
      });
    },
    'case.view': async ({ careCase, caller, record }) => {
      const caseId = careCase!.caseId;
      const [messages, notes, viewers, profile, audit] = await Promise.all([
        deps.store.listMessages(caseId),
        deps.store.listNotes(caseId),
        // Reading a case is not viewing it: the console says so itself (POST .../presence).
        deps.store.listViewers(caseId, caller.id, now()),
        deps.store.getCustomerProfile(careCase!.brandId, careCase!.customer),
        deps.audit.listForCase(caseId),
      ]);
      // A view is recorded once per agent and case version: the console's refreshes add nothing new.
      const seen = audit.some(
        (e) => e.action === 'view' && e.agentId === caller.id && e.caseVersion === careCase!.version,
      );
      if (!seen) {
        await record('view', { brandId: careCase!.brandId, caseId, caseVersion: careCase!.version });
      }
      // One history per customer: their cases on this identity and on every identity linked to it.
      const linked = await Promise.all(
        (profile?.links ?? []).map((link) => deps.store.getCustomerProfile(careCase!.brandId, link)),
      );
      const caseIds = [...new Set([...(profile?.caseIds ?? []), ...linked.flatMap((p) => p?.caseIds ?? [])])];
      const earlier = await Promise.all(
        caseIds
          .filter((id) => id !== caseId)
          .slice(-30)
          .map((id) => deps.store.getCase(id)),
      );
      // What on-call was paged about this case: a risk post, deadline warnings and breaches.
      const pages = await deps.pages.getPages(
        pageIdsOfCase(
          careCase!,
          messages.filter((m) => m.direction === 'in'),
        ).slice(0, 100),
      );
      const care = deps.directory.careAccount(careCase!.brandId, careCase!.platform);
      return json(200, {
        case: careCase,
        // What the console offers: a post found by keyword search gets no public reply from this app.
        ...(careCase!.source === 'listening'
          ? { publicReply: { allowed: false, reason: listeningPublicReplyRefusal(care?.handle) } }
          : {}),
        messages,
        notes,
        viewers,
        pages,
        audit: seen ? audit : await deps.audit.listForCase(caseId),
        customer: {
          ...careCase!.customer,
          caseCount: profile?.caseCount ?? 1,
          ...(profile?.abusive ? { abusive: profile.abusive } : {}),
          ...(profile?.crmId ? { crmId: profile.crmId } : {}),
          links: profile?.links ?? [],
          cases: earlier
            // A local manager sees only the customer's cases at their own locations.
            .filter(
              (c): c is CareCase => Boolean(c) && c!.brandId === careCase!.brandId && seesCase(caller, c!),
            )
            .map(({ caseId: id, status, openedAt, subject, platform }) => ({
              caseId: id,
              status,
              openedAt,
              subject,
              platform,
            })),
        },
      });
    },
    'case.presence': async ({ careCase, caller }) =>
      json(200, { viewers: await deps.store.touchPresence(careCase!.caseId, caller.id, now()) }),
    'case.claim': async ({ event, careCase, caller, record }) => {
      const updated = await deps.desk.claim(careCase!.caseId, deskAgent(caller), body(event).version);
      await moveLoad(updated.caseId, careCase!.assignee, updated.assignee);
      await record('claim', {
        brandId: updated.brandId,
        caseId: updated.caseId,
        caseVersion: updated.version,
      });
      return json(200, { case: updated });
    },
    'case.assign': async ({ event, careCase, record }) => {
      const input = body(event);
      // Only to an agent of the case's brand: a name the registry does not know is refused.
      const assignee =
        typeof input.assignee === 'string' ? await deps.agents.getAgent(input.assignee.trim()) : undefined;
      if (typeof input.assignee === 'string' && (!assignee || !worksFor(assignee, careCase!.brandId))) {
        throw new InvalidRequestError('assignee', `no agent ${input.assignee} works for this brand`);
      }
      const updated = await deps.desk.assign(careCase!.caseId, input.assignee, input.version);
      await moveLoad(updated.caseId, careCase!.assignee, updated.assignee);
      await record('assign', {
        brandId: updated.brandId,
        caseId: updated.caseId,
        caseVersion: updated.version,
        target: updated.assignee ?? '',
      });
      return json(200, { case: updated });
    },
    'case.tags': async ({ event, careCase, record }) => {
      const input = body(event);
      const updated = await deps.desk.setTags(careCase!.caseId, input.tags, input.version);
      await record('tag', {
        brandId: updated.brandId,
        caseId: updated.caseId,
        caseVersion: updated.version,
        detail: { tags: updated.tags ?? [] },
      });
      return json(200, { case: updated });
    },
    'case.lane': async ({ event, careCase, caller, record }) => {
      const input = body(event);
      const from = careCase!.lane ?? 'reply';
      const updated = await deps.desk.moveLane(
        careCase!.caseId,
        deskAgent(caller),
        input.lane,
        input.version,
      );
      if (updated.version !== careCase!.version) {
        await record('lane', {
          brandId: updated.brandId,
          caseId: updated.caseId,
          caseVersion: updated.version,
          detail: { from, to: updated.lane ?? 'reply' },
        });
      }
      return json(200, { case: updated });
    },
    'case.correction': async ({ event, careCase, caller, record }) => {
      const input = body(event);
      const message = correctedMessage(await deps.store.listMessages(careCase!.caseId));
      if (!message) throw new InvalidRequestError('case', 'the case has no customer message to correct');
      const {
        before,
        case: updated,
        correction,
      } = await deps.desk.correct(careCase!.caseId, deskAgent(caller), input);
      // Kept as a labelled example of the brand: the message as stored (masked), what triage read.
      await deps.labels.add({
        brandId: updated.brandId,
        caseId: updated.caseId,
        platform: message.platform,
        platformMessageId: message.platformMessageId,
        text: message.text,
        ...(message.lang ? { lang: message.lang } : {}),
        at: now().toISOString(),
        agentId: caller.id,
        read: {
          ...(message.sentiment ? { sentiment: message.sentiment } : {}),
          topic: message.topic ?? before.topic ?? null,
          needsReply: message.needsReply ?? (before.lane ?? 'reply') === 'reply',
        },
        corrected: correction,
      });
      await record('correction', {
        brandId: updated.brandId,
        caseId: updated.caseId,
        caseVersion: updated.version,
        detail: { ...correction },
      });
      return json(200, { case: updated });
    },
    'case.notes': async ({ event, careCase, caller, record }) => {
      const caseId = careCase!.caseId;
      await deps.desk.addNote(caseId, deskAgent(caller), body(event).text);
      await record('note', { brandId: careCase!.brandId, caseId, caseVersion: careCase!.version });
      return json(201, { notes: await deps.store.listNotes(caseId) });
    },
    'case.reply': async ({ event, careCase, caller, record }) => {
      const input = body(event);
      const result = await deps.desk.reply(careCase!.caseId, deskAgent(caller), {
        version: input.version,
        text: input.text,
        visibility: input.visibility,
        requestId: input.requestId,
      });
      // Replying to an unowned case makes it the replier's: it counts on their load.
      await moveLoad(result.case.caseId, careCase!.assignee, result.case.assignee);
      await record(input.visibility === 'private' ? 'private_reply' : 'reply', {
        brandId: result.case.brandId,
        caseId: result.case.caseId,
        caseVersion: result.case.version,
        detail: { requestId: String(input.requestId), outboxIds: result.outboxIds },
      });
      await stopChains(result.case, 'answered');
      return json(202, result);
    },
    'case.resolve': async ({ event, careCase, caller, record }) => {
      const input = body(event);
      const result = await deps.desk.resolve(careCase!.caseId, deskAgent(caller), {
        version: input.version,
        closeOut: input.closeOut,
        requestId: input.requestId,
      });
      await record('resolve', {
        brandId: result.case.brandId,
        caseId: result.case.caseId,
        caseVersion: result.case.version,
        detail: { closeOut: result.outboxIds.length > 0 },
      });
      // The owner has a free slot: their teams' waiting cases may come to them (or anyone free).
      const owner = careCase!.assignee;
      if (owner) {
        await moveLoad(result.case.caseId, owner, undefined);
        const agent = await deps.agents.getAgent(owner);
        if (agent) await fillQueues([result.case.brandId], agent.teams);
      }
      await stopChains(result.case, 'resolved');
      return json(200, result);
    },
    'case.assignees': async ({ careCase }) => {
      const routing = requireRouting();
      const team = careCase!.team;
      const agents = await deps.agents.listAgents();
      const teams = team ? [team] : [...new Set(agents.flatMap((a) => a.teams))];
      const loads = new Map<string, Awaited<ReturnType<typeof teamLoads>>[number]>();
      for (const t of teams) {
        for (const load of await teamLoads(careCase!.brandId, t, { routing, agents: deps.agents })) {
          loads.set(load.agentId, load);
        }
      }
      if (!team) {
        // No team: everyone who works for the brand, with their load.
        const states = new Map((await routing.listAgentStates()).map((s) => [s.agentId, s]));
        for (const a of agents.filter((a) => worksFor(a, careCase!.brandId) && !loads.has(a.id))) {
          const state = states.get(a.id);
          loads.set(a.id, {
            agentId: a.id,
            name: a.name,
            status: state?.status ?? 'away',
            openCases: state?.openCaseIds.length ?? 0,
            capacity: a.capacity ?? DEFAULT_CAPACITY,
          });
        }
      }
      const list = [...loads.values()].sort(
        (a, b) =>
          Number(b.status === 'available') - Number(a.status === 'available') ||
          a.openCases - b.openCases ||
          a.name.localeCompare(b.name),
      );
      return json(200, {
        team: team ?? null,
        agents: list.map(({ agentId, name, status, openCases, capacity }) => ({
          id: agentId,
          name,
          status,
          openCases,
          capacity,
        })),
      });
    },
    'routing.read': async ({ params }) => {
      const brand = deps.directory.brand(params.brandId!)!;
      const current = await routingOf(brand, deps.routing);
      const history = deps.routing ? await deps.routing.listRoutingVersions(brand.id, 20) : [];
      return json(200, {
        brandId: brand.id,
        ...current,
        history: history.map(({ version, savedAt, savedBy }) => ({ version, savedAt, savedBy })),
      });
    },
    'routing.save': async ({ event, params, caller, record }) => {
      const routing = requireRouting();
      const brand = deps.directory.brand(params.brandId!)!;
      const input = body(event);
      if (typeof input.version !== 'number' || !Number.isInteger(input.version)) {
        throw new InvalidRequestError('version', 'the version of the rules you read (0: the brand config)');
      }
      const parsed = parseRouting(input.routing);
      const current = await routingOf(brand, routing);
      if (current.version !== input.version) throw new RoutingConflictError(current.version);
      const version = current.version + 1;
      const outcome = await routing.saveRouting({
        brandId: brand.id,
        version,
        routing: parsed,
        savedAt: now().toISOString(),
        savedBy: caller.id,
      });
      if (outcome === 'conflict') throw new RoutingConflictError(version);
      await record('routing_changed', {
        brandId: brand.id,
        detail: {
          version,
          teams: parsed.teams.map((t) => t.id),
          rules: parsed.rules.map((r) => `${r.id}->${r.team}`),
        },
      });
      return json(200, { brandId: brand.id, version, source: 'stored', routing: parsed });
    },
    'routing.dry-run': async ({ event, params }) => {
      const brand = deps.directory.brand(params.brandId!)!;
      const input = body(event);
      const limit = input.limit === undefined ? 50 : input.limit;
      if (!Number.isInteger(limit) || (limit as number) < 1 || (limit as number) > MAX_DRY_RUN) {
        throw new InvalidRequestError('limit', `how many of the latest cases: 1 to ${MAX_DRY_RUN}`);
      }
      const current = await routingOf(brand, deps.routing);
      const routing = input.routing === undefined ? current.routing : parseRouting(input.routing);
      const to = now().toISOString();
      const from = new Date(now().getTime() - 90 * 86_400_000).toISOString();
      const latest = (await deps.store.listCasesOpenedBetween(brand.id, from, to))
        .sort((a, b) => b.openedAt.localeCompare(a.openedAt) || b.caseId.localeCompare(a.caseId))
        .slice(0, limit as number);
      const results = dryRun(latest, routing).map((r) => ({ ...r, changed: r.was.team !== r.would.team }));
      const byTeam: Record<string, number> = {};
      for (const r of results) byTeam[r.would.team ?? '(none)'] = (byTeam[r.would.team ?? '(none)'] ?? 0) + 1;
      return json(200, {
        brandId: brand.id,
        comparedWith: current.version,
        cases: results,
        summary: { cases: results.length, changed: results.filter((r) => r.changed).length, byTeam },
      });
    },
    pages: async (context) => {
      const query = context.event.queryStringParameters ?? {};
      const limit = limitOf(query);
      const lists = await Promise.all(queryBrands(context).map((b) => deps.pages.listPages(limit, b.id)));
      const pages = lists
        .flat()
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
        .slice(0, limit);
      return json(200, { pages });
    },
    'page.ack': async ({ params, caller }) => {
      const result = await acknowledgePage(
        params.pageId!,
        { by: caller.id, byName: caller.name, via: 'console', role: caller.role },
        { pages: deps.pages, audit: deps.audit, now },
      );
      if (result.outcome === 'not_found') throw new CaseNotFoundError(`page ${params.pageId}`);
      return json(200, { outcome: result.outcome, page: result.page });
    },
    // Our accounts and whether each must be re-authorized (X sent oauth.revoke): what operators act on.
    accounts: async (context) => {
      const accounts = await Promise.all(
        queryBrands(context).flatMap((brand) =>
          brand.accounts.map(async ({ platform, id, handle, role }) => {
            const status = await deps.accounts?.get(platform, id);
            const revoked = needsReauthorization(status);
            return {
              brandId: brand.id,
              platform,
              id,
              handle,
              role,
              needsReauthorization: revoked,
              ...(revoked && status?.revokedAt ? { revokedAt: status.revokedAt } : {}),
              ...(status?.reauthorizedAt ? { reauthorizedAt: status.reauthorizedAt } : {}),
            };
          }),
        ),
      );
      return json(200, { accounts });
    },
    // An operator authorized the app again as this account: sends from it resume.
    'account.reauthorized': async ({ params, brandIds: [brandId], record }) => {
      const platform = params.platform as Platform;
      const accountId = params.accountId!;
      if (!deps.accounts) return problem(501, 'account status is not kept in this deployment');
      const at = now().toISOString();
      await deps.accounts.markReauthorized(platform, accountId, at);
      await record('account_reauthorized', { brandId: brandId!, target: `${platform}:${accountId}` });
      return json(200, { platform, id: accountId, needsReauthorization: false, reauthorizedAt: at });
    },
    reports: async (context) => {
      const { from, to } = periodOf(context.event.queryStringParameters ?? {}, now());
      const brands = queryBrands(context);
      const cases = (
        await Promise.all(brands.map((b) => deps.store.listCasesOpenedBetween(b.id, from, to)))
      ).flat();
      const timezone = brands[0]?.calendar.timezone ?? 'UTC';
      return json(200, {
        from,
        to,
        rows: buildReport(cases),
        topics: buildTopicReport(cases),
        series: buildSeries(cases, timezone),
      });
    },
    audit: async (context) => {
      const query = context.event.queryStringParameters ?? {};
      if (!query.brand) throw new InvalidRequestError('brand', 'the brand whose audit trail to export');
      const { from, to } = periodOf(query, now());
      const format = query.format ?? 'jsonl';
      if (format !== 'jsonl' && format !== 'csv') throw new InvalidRequestError('format', 'jsonl or csv');
      // The export is read page by page; the HTTP API answers with one body (up to its 10 MB).
      let text = format === 'csv' ? auditCsvHeader() : '';
      for await (const page of deps.audit.listForBrand(query.brand, from, to)) {
        for (const entry of page) text += auditLine(entry, format);
      }
      return {
        statusCode: 200,
        headers: {
          'content-type':
            format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
          'cache-control': 'no-store',
          'content-disposition': `attachment; filename="audit-${query.brand}-${from.slice(0, 10)}-${to.slice(0, 10)}.${format}"`,
        },
        body: text,
      };
    },
    labels: async (context) => {
      const query = context.event.queryStringParameters ?? {};
      if (!query.brand) throw new InvalidRequestError('brand', 'the brand whose labelled examples to export');
      const { from, to } = periodOf({ from: '2000-01-01T00:00:00.000Z', ...query }, now());
      const format = query.format ?? 'jsonl';
      if (format !== 'jsonl' && format !== 'tsv') throw new InvalidRequestError('format', 'jsonl or tsv');
      const examples = await deps.labels.listForBrand(query.brand, from, to);
      return {
        statusCode: 200,
        headers: {
          'content-type':
            format === 'tsv'
              ? 'text/tab-separated-values; charset=utf-8'
              : 'application/x-ndjson; charset=utf-8',
          'cache-control': 'no-store',
          'content-disposition': `attachment; filename="labels-${query.brand}.${format}"`,
        },
        body: (format === 'tsv' ? labelTsvHeader() : '') + examples.map((e) => labelLine(e, format)).join(''),
      };
    },
    // Written page by page to the sink; the answer is a link to the file (an HTTP API answer holds 6 MB).
    exports: async ({ event, params, record }) => {
      const query = event.queryStringParameters ?? {};
      const request = parseExportRequest({
        kind: params.kind,
        brand: query.brand,
        from: query.from,
        to: query.to,
        format: query.format,
        now: now(),
      });
      if (!deps.exports) return problem(501, 'exports are not configured in this deployment');
      const stored = await runExport(deps.exports.source, deps.exports.sink, request);
      await record('export', {
        brandId: request.brandId,
        detail: { kind: request.kind, format: request.format, from: request.from, to: request.to },
      });
      return json(200, { ...request, ...stored });
    },
    'customer.links': async ({ event, params, record }) => {
      const { brandId, platform, customerId } = params as Record<string, string>;
      const input = body(event);
      if (!['x', 'facebook', 'instagram', 'generic'].includes(String(input.platform))) {
        throw new InvalidRequestError('platform', 'one of x, facebook, instagram, generic');
      }
      if (typeof input.id !== 'string' || !/^[A-Za-z0-9_.:-]{1,100}$/.test(input.id)) {
        throw new InvalidRequestError('id', "the other identity's platform id");
      }
      const other = { platform: input.platform as Platform, id: input.id };
      if (other.platform === platform && other.id === customerId)
        throw new InvalidRequestError('id', 'cannot link a customer to itself');
      await deps.store.linkCustomers(brandId!, { platform: platform as Platform, id: customerId! }, other);
      await record('identity_link', {
        brandId: brandId!,
        target: customerKey(params),
        detail: { linked: `${other.platform}:${other.id}` },
      });
      return json(200, { linked: [{ platform, id: customerId }, other] });
    },
    'customer.crm': async ({ event, params, record }) => {
      const { brandId, platform, customerId } = params as Record<string, string>;
      const crmId = body(event).crmId;
      if (crmId !== null && (typeof crmId !== 'string' || !/^[\w.:#/-]{1,100}$/.test(crmId))) {
        throw new InvalidRequestError(
          'crmId',
          'the CRM id (letters, digits, . : # / - _; up to 100), or null to remove it',
        );
      }
      await deps.store.setCrmId(brandId!, { platform: platform as Platform, id: customerId! }, crmId);
      await record('crm_id', { brandId: brandId!, target: customerKey(params), detail: { crmId } });
      return json(200, { crmId });
    },
    'customer.abuse': async ({ event, params, caller, record }) => {
      const { brandId, platform, customerId } = params as Record<string, string>;
      const customer = { platform: platform as Platform, id: customerId! };
      if (method(event) === 'DELETE') {
        await deps.store.markAbusive(brandId!, customer, null);
        await record('abuse_unmark', { brandId: brandId!, target: customerKey(params) });
        return json(200, { abusive: false });
      }
      const note = body(event).note;
      if (note !== undefined && (typeof note !== 'string' || note.length > 500)) {
        throw new InvalidRequestError('note', 'a string of at most 500 characters');
      }
      const mark = { by: caller.id, at: now().toISOString(), ...(note ? { note } : {}) };
      await deps.store.markAbusive(brandId!, customer, mark);
      await record('abuse_mark', { brandId: brandId!, target: customerKey(params) });
      return json(200, { abusive: true, mark });
    },
  };

  const routes = AGENT_API_ROUTES.map((route) => ({
    route,
    // One pattern per path: the verbs differ, the parameters do not.
    parsed: parseRoute(`${route.verbs[0]} ${route.path}`),
  }));

  return async (event) => {
    const path = event.rawPath.replace(/\/+$/, '');
    let caller: AgentRecord | undefined;
    try {
      caller = await identify(event);
    } catch (error) {
      return toHttp(error);
    }
    // Nothing is read or stored for a caller nobody knows.
    if (!caller) return problem(401, 'missing or wrong bearer token');
    const verb = method(event);
    let pathMatched = false;
    for (const { route, parsed } of routes) {
      let values: string[] | undefined;
      try {
        // Each parameter a whole raw path segment, percent-decoded once and checked.
        values = routeParameters(parsed, path);
      } catch {
        return problem(400, 'the path is not valid percent-encoding');
      }
      if (!values) continue;
      pathMatched = true;
      if (!(route.verbs as readonly string[]).includes(verb)) continue;
      const params = Object.fromEntries(parsed.parameters.map((name, i) => [name, values[i]!]));
      try {
        const target = await brandsOf(route, params, event);
        // A case is decided on as a whole (its brand and, for a local manager, its location).
        const decision = !target
          ? 'not_found'
          : target.careCase
            ? decideOnCase(caller, route.action, target.careCase)
            : decide(caller, route.action, target.brandIds);
        // Another brand's case answers exactly as a case that does not exist.
        if (decision === 'not_found' || !target)
          throw params.caseId
            ? new CaseNotFoundError(params.caseId)
            : new CaseNotFoundError('', notFoundName(route, params));
        if (decision === 'forbidden')
          return problem(403, `your role (${caller.role}) may not do this: ${route.action}`);
        const who = caller;
        const context: RouteContext = {
          event,
          params,
          caller: who,
          brandIds: target.brandIds,
          ...(target.careCase ? { careCase: target.careCase } : {}),
          record: (action, entry) => {
            const at = now().toISOString();
            return deps.audit.append({
              auditId: newAuditId(at),
              at,
              agentId: who.id,
              agentName: who.name,
              role: who.role,
              action,
              ...entry,
            });
          },
        };
        return await handlers[route.key](context);
      } catch (error) {
        return toHttp(error);
      }
    }
    return pathMatched ? problem(405, 'method not allowed') : problem(404, 'no such route');
  };
}

function notFoundName(route: AgentApiRoute, params: Record<string, string>): string {
  if (route.scope === 'customer') return `customer ${params.brandId}/${params.platform}/${params.customerId}`;
  if (route.scope === 'agent') return `agent ${params.agentId ?? ''}`.trim();
  if (route.scope === 'account') return `${params.platform} account ${params.accountId}`;
  if (route.scope === 'brand') return `brand ${params.brandId}`;
  if (route.scope === 'page') return `page ${params.pageId}`;
  return params.brandId ? `brand ${params.brandId}` : 'such brand';
}

function periodOf(query: Record<string, string | undefined>, at: Date): { from: string; to: string } {
  const to = query.to ?? at.toISOString();
  const from = query.from ?? new Date(Date.parse(to) - 7 * 86_400_000).toISOString();
  if (Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to)) || from > to) {
    throw new InvalidRequestError('from', 'from and to must be ISO instants, from before to');
  }
  return { from, to };
}
