import { CASE_ID_CHARACTERS } from '../core/cases';

/**
 * Every route of the agent API, declared once, as API Gateway route keys. The router
 * (agent-api.ts) has one handler per key (the compiler checks it) and the HTTP API
 * (lib/constructs/care-api.ts) deploys exactly these, each behind the Cognito authorizer.
 */
export const AGENT_ROUTES = [
  'GET /api/me',
  'GET /api/brands',
  'GET /api/cases',
  'GET /api/cases/{caseId}',
  'POST /api/cases/{caseId}/presence',
  'POST /api/cases/{caseId}/claim',
  'POST /api/cases/{caseId}/assign',
  'PUT /api/cases/{caseId}/tags',
  'POST /api/cases/{caseId}/notes',
  'POST /api/cases/{caseId}/reply',
  'POST /api/cases/{caseId}/resolve',
  'GET /api/pages',
  'GET /api/reports',
  'POST /api/customers/{brandId}/{platform}/{customerId}/links',
  'PUT /api/customers/{brandId}/{platform}/{customerId}/crm',
  // Marking a customer abusive, and lifting the mark.
  'PUT /api/customers/{brandId}/{platform}/{customerId}/abuse',
  'DELETE /api/customers/{brandId}/{platform}/{customerId}/abuse',
] as const;

export type AgentRouteKey = (typeof AGENT_ROUTES)[number];

/** What each path parameter may hold (one path segment, after percent-decoding). */
export const ROUTE_PARAMETERS: Record<string, string> = {
  caseId: `${CASE_ID_CHARACTERS}+`,
  brandId: '[a-z0-9-]+',
  platform: 'x|facebook|instagram|generic',
  customerId: '[A-Za-z0-9_.:-]+',
};

export interface AgentRoute {
  key: AgentRouteKey;
  method: string;
  path: string;
  /** The path as a regular expression, one group per parameter, in order. */
  pattern: RegExp;
}

export function parseRoute(key: AgentRouteKey): AgentRoute {
  const [method, path] = key.split(' ') as [string, string];
  const source = path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const allowed = ROUTE_PARAMETERS[name];
    if (!allowed) throw new Error(`route ${key}: no pattern for parameter {${name}}`);
    return `(${allowed})`;
  });
  return { key, method, path, pattern: new RegExp(`^${source}$`) };
}
