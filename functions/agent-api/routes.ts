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
  // Our accounts and the re-authorization an X oauth.revoke asks for.
  'GET /api/accounts',
  'POST /api/accounts/{platform}/{accountId}/reauthorized',
  'GET /api/reports',
  'POST /api/customers/{brandId}/{platform}/{customerId}/links',
  'PUT /api/customers/{brandId}/{platform}/{customerId}/crm',
  // Marking a customer abusive, and lifting the mark.
  'PUT /api/customers/{brandId}/{platform}/{customerId}/abuse',
  'DELETE /api/customers/{brandId}/{platform}/{customerId}/abuse',
] as const;

export type AgentRouteKey = (typeof AGENT_ROUTES)[number];

/**
 * What each path parameter may hold once percent-decoded. Case ids are URL-safe by construction; a
 * customer id is the platform's (a generic source's may hold spaces, `/` or any letter): the console
 * sends it percent-encoded as one path segment.
 */
export const ROUTE_PARAMETERS: Record<string, string> = {
  caseId: `${CASE_ID_CHARACTERS}+`,
  brandId: '[a-z0-9-]+',
  platform: 'x|facebook|instagram|generic',
  customerId: '[^\\u0000-\\u001f]{1,600}',
  accountId: '[A-Za-z0-9_.:-]{1,100}',
};

export interface AgentRoute {
  key: AgentRouteKey;
  method: string;
  path: string;
  /** The path's parameters, in order. */
  parameters: string[];
  /** The raw (percent-encoded) path, one group per parameter: one whole segment each. */
  pattern: RegExp;
}

export function parseRoute(key: AgentRouteKey): AgentRoute {
  const [method, path] = key.split(' ') as [string, string];
  const parameters: string[] = [];
  const source = path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!ROUTE_PARAMETERS[name]) throw new Error(`route ${key}: no pattern for parameter {${name}}`);
    parameters.push(name);
    return '([^/]+)';
  });
  return { key, method, path, parameters, pattern: new RegExp(`^${source}$`) };
}

const PARAMETER_PATTERNS = Object.fromEntries(
  Object.entries(ROUTE_PARAMETERS).map(([name, allowed]) => [name, new RegExp(`^(?:${allowed})$`, 'u')]),
);

/**
 * The route's parameters in a raw request path, each percent-decoded once and checked; undefined when
 * the path is not this route's. Throws URIError for broken percent-encoding.
 */
export function routeParameters(route: AgentRoute, rawPath: string): string[] | undefined {
  const match = route.pattern.exec(rawPath);
  if (!match) return undefined;
  const values = match.slice(1).map((segment) => decodeURIComponent(segment));
  const fits = values.every((value, i) => PARAMETER_PATTERNS[route.parameters[i] as string]?.test(value));
  return fits ? values : undefined;
}
