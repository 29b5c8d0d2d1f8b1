import { type HttpEvent, type HttpResult, json, method, problem } from '../commons/http';
import type { BrandDirectory } from '../core/brand-config';
import type { CareCase, CaseStore } from '../core/cases';
import type { PageStore } from '../core/paging';

export interface AgentApiDeps {
  store: CaseStore;
  directory: BrandDirectory;
  pages: PageStore;
}

const MAX_LIMIT = 200;

/**
 * The agent API behind authentication (Cognito JWT in AWS, a bearer token locally; both checked
 * before this runs). GET /api/cases lists open cases, soonest deadline first; GET /api/cases/{id}
 * returns a case with its messages; GET /api/pages lists the pages sent to on-call, newest first.
 */
export function createAgentApi(deps: AgentApiDeps): (event: HttpEvent) => Promise<HttpResult> {
  return async (event) => {
    if (method(event) !== 'GET') return problem(405, 'method not allowed');
    const path = event.rawPath.replace(/\/+$/, '');
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
