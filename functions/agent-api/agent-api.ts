import { type HttpEvent, type HttpResult, json, method, problem, rawBody } from '../commons/http';
import { logger } from '../commons/logger';
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
import type { CareCase, CaseStore } from '../core/cases';
import type { Platform } from '../core/interaction';
import { type PageStore, pageIdsOfCase } from '../core/paging';
import { buildReport, buildSeries } from '../core/report';
import { listeningPublicReplyRefusal } from '../core/x-intake/listening';
import { AGENT_ROUTES, type AgentRouteKey, parseRoute, routeParameters } from './routes';

export interface AgentApiDeps {
  store: CaseStore;
  directory: BrandDirectory;
  pages: PageStore;
  desk: AgentDesk;
  /** Whether our accounts still let us act for them (X oauth.revoke). Absent: not reported. */
  accounts?: AccountStatusStore;
  now?: () => Date;
}

const MAX_LIMIT = 200;

type Claims = Record<string, unknown>;

/**
 * Who is calling: the Cognito user in AWS (from the JWT the gateway verified). Locally, where one
 * bearer token serves the whole team, the X-Socialcare-Agent header names the agent.
 */
export function agentOf(event: HttpEvent): Agent {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Claims } } }).authorizer?.jwt
    ?.claims;
  if (claims) {
    const id = String(claims.email ?? claims['cognito:username'] ?? claims.sub ?? 'agent');
    return { id, name: String(claims.name ?? claims.given_name ?? id.split('@')[0]) };
  }
  const named = event.headers?.['x-socialcare-agent']?.trim();
  const id = named && /^[\p{L}\p{N} ._@-]{1,80}$/u.test(named) ? named : 'local-agent';
  return { id, name: id };
}

class BadJsonError extends Error {}

type Run = (event: HttpEvent, params: string[]) => Promise<HttpResult>;

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
  if (error instanceof InvalidRequestError) return json(400, { error: error.message, field: error.field });
  if (error instanceof CaseNotFoundError) return problem(404, error.message);
  if (error instanceof StaleVersionError)
    return json(409, { error: error.message, currentVersion: error.currentVersion });
  if (error instanceof ComplianceError) return json(422, { error: error.message, problems: error.problems });
  logger.error('agent API request failed', { error: error as Error });
  return problem(500, 'internal error');
}

function isBreached(careCase: CareCase, now: Date): boolean {
  return Boolean(careCase.nextDeadlineAt && careCase.nextDeadlineAt < now.toISOString());
}

/**
 * The agent API behind authentication (Cognito JWT in AWS, a bearer token locally; both checked
 * before this runs): the queue, a case with its history, working a case, pages, reports, abuse marks.
 */
export function createAgentApi(deps: AgentApiDeps): (event: HttpEvent) => Promise<HttpResult> {
  const now = () => deps.now?.() ?? new Date();
  const brandsOf = (query: Record<string, string | undefined>) => {
    const brands = query.brand ? [deps.directory.brand(query.brand)] : deps.directory.allBrands;
    if (brands.some((b) => !b)) throw new InvalidRequestError('brand', `unknown brand "${query.brand}"`);
    return brands.map((b) => b!);
  };

  const markAbuse: Run = async (event, [brandId, platform, customerId]) => {
    if (!deps.directory.brand(brandId!)) throw new CaseNotFoundError(`brand ${brandId}`);
    const customer = { platform: platform as Platform, id: customerId! };
    if (method(event) === 'DELETE') {
      await deps.store.markAbusive(brandId!, customer, null);
      return json(200, { abusive: false });
    }
    const note = body(event).note;
    if (note !== undefined && (typeof note !== 'string' || note.length > 500)) {
      throw new InvalidRequestError('note', 'a string of at most 500 characters');
    }
    const mark = { by: agentOf(event).id, at: now().toISOString(), ...(note ? { note } : {}) };
    await deps.store.markAbusive(brandId!, customer, mark);
    return json(200, { abusive: true, mark });
  };

  const handlers: Record<AgentRouteKey, Run> = {
    'GET /api/me': async (event) => json(200, { agent: agentOf(event) }),
    'GET /api/brands': async () =>
      json(200, {
        brands: deps.directory.allBrands.map((b) => ({
          id: b.id,
          name: b.name,
          timezone: b.calendar.timezone,
          accounts: b.accounts.map(({ platform, handle, role }) => ({ platform, handle, role })),
          agentDesk: b.agentDesk,
        })),
      }),
    'GET /api/cases': async (event) => {
      const query = event.queryStringParameters ?? {};
      const limit = limitOf(query);
      const at = now();
      const after = query.cursor ? decodeCursor(query.cursor) : undefined;
      const all = (await Promise.all(brandsOf(query).map((b) => deps.store.listOpenCases(b.id)))).flat();
      const counts = {
        open: all.filter((c) => c.status === 'open').length,
        waiting_on_customer: all.filter((c) => c.status === 'waiting_on_customer').length,
        unassigned: all.filter((c) => !c.assignee).length,
        breached: all.filter((c) => isBreached(c, at)).length,
      };
      const matching = all
        .filter((c) => !query.status || c.status === query.status)
        .filter(
          (c) => !query.assignee || (query.assignee === 'none' ? !c.assignee : c.assignee === query.assignee),
        )
        .filter((c) => !query.platform || c.platform === query.platform)
        .filter((c) => !query.sentiment || c.sentiment === query.sentiment)
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
    'GET /api/cases/{caseId}': async (event, [caseId]) => {
      const careCase = await deps.store.getCase(caseId!);
      if (!careCase) throw new CaseNotFoundError(caseId!);
      const [messages, notes, viewers, profile] = await Promise.all([
        deps.store.listMessages(caseId!),
        deps.store.listNotes(caseId!),
        deps.store.touchPresence(caseId!, agentOf(event).id, now()),
        deps.store.getCustomerProfile(careCase.brandId, careCase.customer),
      ]);
      // One history per customer: their cases on this identity and on every identity linked to it.
      const linked = await Promise.all(
        (profile?.links ?? []).map((link) => deps.store.getCustomerProfile(careCase.brandId, link)),
      );
      const caseIds = [...new Set([...(profile?.caseIds ?? []), ...linked.flatMap((p) => p?.caseIds ?? [])])];
      const earlier = await Promise.all(
        caseIds
          .filter((id) => id !== caseId)
          .slice(-30)
          .map((id) => deps.store.getCase(id)),
      );
      const care = deps.directory.careAccount(careCase.brandId, careCase.platform);
      // What on-call was paged about this case: a risk post, deadline warnings and breaches.
      const pages = await deps.pages.getPages(
        pageIdsOfCase(
          careCase,
          messages.filter((m) => m.direction === 'in'),
        ).slice(0, 100),
      );
      return json(200, {
        case: careCase,
        // What the console offers: a post found by keyword search gets no public reply from this app.
        ...(careCase.source === 'listening'
          ? { publicReply: { allowed: false, reason: listeningPublicReplyRefusal(care?.handle) } }
          : {}),
        messages,
        notes,
        viewers,
        pages,
        customer: {
          ...careCase.customer,
          caseCount: profile?.caseCount ?? 1,
          ...(profile?.abusive ? { abusive: profile.abusive } : {}),
          ...(profile?.crmId ? { crmId: profile.crmId } : {}),
          links: profile?.links ?? [],
          cases: earlier
            .filter((c): c is CareCase => Boolean(c))
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
    'POST /api/cases/{caseId}/presence': async (event, [caseId]) =>
      json(200, { viewers: await deps.store.touchPresence(caseId!, agentOf(event).id, now()) }),
    'POST /api/cases/{caseId}/claim': async (event, [caseId]) =>
      json(200, { case: await deps.desk.claim(caseId!, agentOf(event), body(event).version) }),
    'POST /api/cases/{caseId}/assign': async (event, [caseId]) => {
      const input = body(event);
      return json(200, { case: await deps.desk.assign(caseId!, input.assignee, input.version) });
    },
    'PUT /api/cases/{caseId}/tags': async (event, [caseId]) => {
      const input = body(event);
      return json(200, { case: await deps.desk.setTags(caseId!, input.tags, input.version) });
    },
    'POST /api/cases/{caseId}/notes': async (event, [caseId]) => {
      await deps.desk.addNote(caseId!, agentOf(event), body(event).text);
      return json(201, { notes: await deps.store.listNotes(caseId!) });
    },
    'POST /api/cases/{caseId}/reply': async (event, [caseId]) => {
      const input = body(event);
      const result = await deps.desk.reply(caseId!, agentOf(event), {
        version: input.version,
        text: input.text,
        visibility: input.visibility,
        requestId: input.requestId,
      });
      return json(202, result);
    },
    'POST /api/cases/{caseId}/resolve': async (event, [caseId]) => {
      const input = body(event);
      const result = await deps.desk.resolve(caseId!, agentOf(event), {
        version: input.version,
        closeOut: input.closeOut,
        requestId: input.requestId,
      });
      return json(200, result);
    },
    'GET /api/pages': async (event) => {
      const query = event.queryStringParameters ?? {};
      const limit = limitOf(query);
      const lists = await Promise.all(brandsOf(query).map((b) => deps.pages.listPages(limit, b.id)));
      const pages = lists
        .flat()
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
        .slice(0, limit);
      return json(200, { pages });
    },
    // Our accounts and whether each must be re-authorized (X sent oauth.revoke): what operators act on.
    'GET /api/accounts': async (event) => {
      const query = event.queryStringParameters ?? {};
      const accounts = await Promise.all(
        brandsOf(query).flatMap((brand) =>
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
    'POST /api/accounts/{platform}/{accountId}/reauthorized': async (_event, [platform, accountId]) => {
      const found = deps.directory.findAccount(platform as Platform, accountId!);
      if (!found) return problem(404, `no ${platform} account ${accountId} in this deployment`);
      if (!deps.accounts) return problem(501, 'account status is not kept in this deployment');
      const at = now().toISOString();
      await deps.accounts.markReauthorized(platform as Platform, accountId!, at);
      return json(200, { platform, id: accountId, needsReauthorization: false, reauthorizedAt: at });
    },
    'GET /api/reports': async (event) => {
      const query = event.queryStringParameters ?? {};
      const to = query.to ?? now().toISOString();
      const from = query.from ?? new Date(Date.parse(to) - 7 * 86_400_000).toISOString();
      if (Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to)) || from > to) {
        throw new InvalidRequestError('from', 'from and to must be ISO instants, from before to');
      }
      const brands = brandsOf(query);
      const cases = (
        await Promise.all(brands.map((b) => deps.store.listCasesOpenedBetween(b.id, from, to)))
      ).flat();
      const timezone = brands[0]?.calendar.timezone ?? 'UTC';
      return json(200, { from, to, rows: buildReport(cases), series: buildSeries(cases, timezone) });
    },
    'POST /api/customers/{brandId}/{platform}/{customerId}/links': async (
      event,
      [brandId, platform, customerId],
    ) => {
      if (!deps.directory.brand(brandId!)) throw new CaseNotFoundError(`brand ${brandId}`);
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
      return json(200, { linked: [{ platform, id: customerId }, other] });
    },
    'PUT /api/customers/{brandId}/{platform}/{customerId}/crm': async (
      event,
      [brandId, platform, customerId],
    ) => {
      if (!deps.directory.brand(brandId!)) throw new CaseNotFoundError(`brand ${brandId}`);
      const crmId = body(event).crmId;
      if (crmId !== null && (typeof crmId !== 'string' || !/^[\w.:#/-]{1,100}$/.test(crmId))) {
        throw new InvalidRequestError(
          'crmId',
          'the CRM id (letters, digits, . : # / - _; up to 100), or null to remove it',
        );
      }
      await deps.store.setCrmId(brandId!, { platform: platform as Platform, id: customerId! }, crmId);
      return json(200, { crmId });
    },
    'PUT /api/customers/{brandId}/{platform}/{customerId}/abuse': markAbuse,
    'DELETE /api/customers/{brandId}/{platform}/{customerId}/abuse': markAbuse,
  };
  const routes = AGENT_ROUTES.map((key) => ({ ...parseRoute(key), run: handlers[key] }));

  return async (event) => {
    const path = event.rawPath.replace(/\/+$/, '');
    const verb = method(event);
    let pathMatched = false;
    for (const route of routes) {
      let params: string[] | undefined;
      try {
        params = routeParameters(route, path);
      } catch {
        return problem(400, 'the path is not valid percent-encoding');
      }
      if (!params) continue;
      pathMatched = true;
      if (route.method !== verb) continue;
      try {
        return await route.run(event, params);
      } catch (error) {
        return toHttp(error);
      }
    }
    return pathMatched ? problem(405, 'method not allowed') : problem(404, 'no such route');
  };
}
