import { type HttpEvent, type HttpResult, json, method, problem, rawBody } from '../commons/http';
import type { BrandDirectory } from '../core/brand-config';
import type { CareCase, CaseStore } from '../core/cases';
import type { Platform } from '../core/interaction';
import type { PageStore } from '../core/paging';
import { buildReport } from '../core/report';

export interface AgentApiDeps {
  store: CaseStore;
  directory: BrandDirectory;
  pages: PageStore;
}

const MAX_LIMIT = 200;

/** Who is calling: the Cognito user in AWS (JWT claims), the local token's agent locally. */
export function agentOf(event: HttpEvent): string {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } })
    .authorizer?.jwt?.claims;
  const who = claims?.email ?? claims?.['cognito:username'] ?? claims?.sub;
  return typeof who === 'string' ? who : 'local-agent';
}

/** PUT marks a customer abusive ({"note"?}), DELETE unmarks; the customer's record stays. */
async function markAbuse(
  event: HttpEvent,
  [brandId, platform, customerId]: [string, Platform, string],
  deps: AgentApiDeps,
) {
  if (!deps.directory.brand(brandId)) return problem(404, `unknown brand "${brandId}"`);
  const verb = method(event);
  if (verb === 'DELETE') {
    await deps.store.markAbusive(brandId, { platform, id: customerId }, null);
    return json(200, { abusive: false });
  }
  if (verb !== 'PUT') return problem(405, 'use PUT to mark and DELETE to unmark');
  let note: unknown;
  try {
    note = event.body ? (JSON.parse(rawBody(event).toString('utf8')) as { note?: unknown }).note : undefined;
  } catch {
    return problem(400, 'body must be JSON: {"note": "why"}');
  }
  if (note !== undefined && (typeof note !== 'string' || note.length > 500)) {
    return problem(400, 'note must be a string of at most 500 characters');
  }
  const mark = { by: agentOf(event), at: new Date().toISOString(), ...(note ? { note } : {}) };
  await deps.store.markAbusive(brandId, { platform, id: customerId }, mark);
  return json(200, { abusive: true, mark });
}

/**
 * The agent API behind authentication (Cognito JWT in AWS, a bearer token locally; both checked
 * before this runs). GET /api/cases lists open cases, soonest deadline first; GET /api/cases/{id}
 * returns a case with its messages; GET /api/pages lists the pages sent to on-call, newest first.
 */
export function createAgentApi(deps: AgentApiDeps): (event: HttpEvent) => Promise<HttpResult> {
  return async (event) => {
    const path = event.rawPath.replace(/\/+$/, '');
    const abuse =
      /^\/api\/customers\/([a-z0-9-]+)\/(x|facebook|instagram|generic)\/([A-Za-z0-9_.:-]+)\/abuse$/.exec(
        path,
      );
    if (abuse) return markAbuse(event, abuse.slice(1) as [string, Platform, string], deps);
    if (method(event) !== 'GET') return problem(405, 'method not allowed');
    const query = event.queryStringParameters ?? {};

    if (path === '/api/cases') {
      const limitText = query.limit ?? '50';
      const limit = Number(limitText);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
        return problem(400, `limit must be a whole number from 1 to ${MAX_LIMIT}`);
      }
      const brands = query.brand ? [deps.directory.brand(query.brand)] : deps.directory.allBrands;
      if (brands.some((b) => !b)) return problem(400, `unknown brand "${query.brand}"`);
      const lists = await Promise.all(brands.map((brand) => deps.store.listOpenCases(brand!.id, limit)));
      const cases = lists
        .flat()
        .sort((a: CareCase, b: CareCase) =>
          (a.nextDeadlineAt ?? '9999').localeCompare(b.nextDeadlineAt ?? '9999'),
        )
        .slice(0, limit);
      return json(200, { cases });
    }

    if (path === '/api/pages') {
      const limit = Number(query.limit ?? '50');
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
        return problem(400, `limit must be a whole number from 1 to ${MAX_LIMIT}`);
      }
      const brands = query.brand ? [deps.directory.brand(query.brand)] : deps.directory.allBrands;
      if (brands.some((b) => !b)) return problem(400, `unknown brand "${query.brand}"`);
      const lists = await Promise.all(brands.map((brand) => deps.pages.listPages(limit, brand!.id)));
      const pages = lists
        .flat()
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
        .slice(0, limit);
      return json(200, { pages });
    }

    if (path === '/api/reports') {
      const to = query.to ?? new Date().toISOString();
      const from = query.from ?? new Date(Date.parse(to) - 7 * 86_400_000).toISOString();
      if (Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to)) || from > to) {
        return problem(400, 'from and to must be ISO instants, from before to');
      }
      const brands = query.brand ? [deps.directory.brand(query.brand)] : deps.directory.allBrands;
      if (brands.some((b) => !b)) return problem(400, `unknown brand "${query.brand}"`);
      const cases = (
        await Promise.all(brands.map((b) => deps.store.listCasesOpenedBetween(b!.id, from, to)))
      ).flat();
      return json(200, { from, to, rows: buildReport(cases) });
    }

    const match = /^\/api\/cases\/([A-Za-z0-9_.:-]+)$/.exec(path);
    if (match) {
      const caseId = decodeURIComponent(match[1] as string);
      const careCase = await deps.store.getCase(caseId);
      if (!careCase) return problem(404, `no case ${caseId}`);
      return json(200, { case: careCase, messages: await deps.store.listMessages(caseId) });
    }
    return problem(404, 'no such route');
  };
}
