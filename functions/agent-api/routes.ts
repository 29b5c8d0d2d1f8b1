import type { Action } from '../core/access/policy';
import { CASE_ID_CHARACTERS } from '../core/cases';

/**
 * What a route is about, so the router can find the brands the policy decides on before the route
 * runs: nothing but the caller (`caller`), a case (`case`, by its id), a customer of a brand
 * (`customer`, the brand in the path), a brand named by `?brand=` (`query`: all the caller's brands
 * without it), the brands of an agent (`agent`: an agent to add, in the body, or one named in the path),
 * the brand that owns one of our platform accounts (`account`, the platform and account id in the path),
 * the brand of an on-call page (`page`, its id in the path), a brand named in the path (`brand`).
 */
export type RouteScope = 'caller' | 'case' | 'customer' | 'query' | 'agent' | 'account' | 'page' | 'brand';
/**
 * Every route of the agent API, declared once, with the policy action it needs and what it is about
 * (its scope): the router (agent-api.ts) has one handler per key (the compiler checks it) and asks the
 * access policy before any runs, the HTTP API (lib/constructs/care-api.ts) deploys exactly these,
 * each behind the Cognito authorizer, and the cross-brand test calls every one of them.
 */
export const AGENT_API_ROUTES = [
  { key: 'me', verbs: ['GET'], path: '/api/me', action: 'me.read', scope: 'caller' },
  { key: 'me.status', verbs: ['PUT'], path: '/api/me/status', action: 'me.status', scope: 'caller' },
  { key: 'brands', verbs: ['GET'], path: '/api/brands', action: 'brand.read', scope: 'caller' },
  { key: 'agents.list', verbs: ['GET'], path: '/api/agents', action: 'agent.list', scope: 'caller' },
  { key: 'agents.add', verbs: ['POST'], path: '/api/agents', action: 'agent.manage', scope: 'agent' },
  {
    key: 'agents.remove',
    verbs: ['DELETE'],
    path: '/api/agents/{agentId}',
    action: 'agent.manage',
    scope: 'agent',
  },
  { key: 'cases.list', verbs: ['GET'], path: '/api/cases', action: 'case.list', scope: 'query' },
  { key: 'case.view', verbs: ['GET'], path: '/api/cases/{caseId}', action: 'case.view', scope: 'case' },
  {
    key: 'case.presence',
    verbs: ['POST'],
    path: '/api/cases/{caseId}/presence',
    action: 'case.view',
    scope: 'case',
  },
  {
    key: 'case.claim',
    verbs: ['POST'],
    path: '/api/cases/{caseId}/claim',
    action: 'case.claim',
    scope: 'case',
  },
  {
    key: 'case.assign',
    verbs: ['POST'],
    path: '/api/cases/{caseId}/assign',
    action: 'case.assign',
    scope: 'case',
  },
  {
    key: 'case.assignees',
    verbs: ['GET'],
    path: '/api/cases/{caseId}/assignees',
    action: 'case.assign',
    scope: 'case',
  },
  { key: 'case.tags', verbs: ['PUT'], path: '/api/cases/{caseId}/tags', action: 'case.tag', scope: 'case' },
  {
    key: 'case.lane',
    verbs: ['PUT'],
    path: '/api/cases/{caseId}/lane',
    action: 'case.lane',
    scope: 'case',
  },
  {
    key: 'case.correction',
    verbs: ['PUT'],
    path: '/api/cases/{caseId}/correction',
    action: 'case.correct',
    scope: 'case',
  },
  {
    key: 'case.notes',
    verbs: ['POST'],
    path: '/api/cases/{caseId}/notes',
    action: 'case.note',
    scope: 'case',
  },
  {
    key: 'case.reply',
    verbs: ['POST'],
    path: '/api/cases/{caseId}/reply',
    action: 'case.reply',
    scope: 'case',
  },
  {
    key: 'case.resolve',
    verbs: ['POST'],
    path: '/api/cases/{caseId}/resolve',
    action: 'case.resolve',
    scope: 'case',
  },
  {
    key: 'routing.read',
    verbs: ['GET'],
    path: '/api/routing/{brandId}',
    action: 'routing.read',
    scope: 'brand',
  },
  {
    key: 'routing.save',
    verbs: ['PUT'],
    path: '/api/routing/{brandId}',
    action: 'routing.manage',
    scope: 'brand',
  },
  {
    key: 'routing.dry-run',
    verbs: ['POST'],
    path: '/api/routing/{brandId}/dry-run',
    action: 'routing.read',
    scope: 'brand',
  },
  { key: 'pages', verbs: ['GET'], path: '/api/pages', action: 'page.list', scope: 'query' },
  {
    key: 'page.ack',
    verbs: ['POST'],
    path: '/api/pages/{pageId}/ack',
    action: 'page.ack',
    scope: 'page',
  },
  { key: 'accounts', verbs: ['GET'], path: '/api/accounts', action: 'account.list', scope: 'query' },
  {
    key: 'account.reauthorized',
    verbs: ['POST'],
    path: '/api/accounts/{platform}/{accountId}/reauthorized',
    action: 'account.reauthorize',
    scope: 'account',
  },
  { key: 'reports', verbs: ['GET'], path: '/api/reports', action: 'report.read', scope: 'query' },
  { key: 'audit', verbs: ['GET'], path: '/api/audit', action: 'audit.read', scope: 'query' },
  { key: 'labels', verbs: ['GET'], path: '/api/labels', action: 'label.export', scope: 'query' },
  { key: 'exports', verbs: ['GET'], path: '/api/exports/{kind}', action: 'data.export', scope: 'query' },
  {
    key: 'customer.links',
    verbs: ['POST'],
    path: '/api/customers/{brandId}/{platform}/{customerId}/links',
    action: 'customer.link',
    scope: 'customer',
  },
  {
    key: 'customer.crm',
    verbs: ['PUT'],
    path: '/api/customers/{brandId}/{platform}/{customerId}/crm',
    action: 'customer.crm',
    scope: 'customer',
  },
  {
    key: 'customer.abuse',
    verbs: ['PUT', 'DELETE'],
    path: '/api/customers/{brandId}/{platform}/{customerId}/abuse',
    action: 'customer.abuse',
    scope: 'customer',
  },
] as const satisfies ReadonlyArray<{
  key: string;
  verbs: readonly string[];
  path: string;
  action: Action;
  scope: RouteScope;
}>;

export type AgentApiRoute = (typeof AGENT_API_ROUTES)[number];

/** Every route as an API Gateway route key (`GET /api/cases`): what the HTTP API deploys. */
export const AGENT_ROUTES: readonly AgentRouteKey[] = AGENT_API_ROUTES.flatMap((route) =>
  route.verbs.map((verb) => `${verb} ${route.path}` as AgentRouteKey),
);

export type AgentRouteKey = `${'GET' | 'POST' | 'PUT' | 'DELETE'} ${AgentApiRoute['path']}`;

/**
 * What each path parameter may hold once percent-decoded. Case ids are URL-safe by construction; a
 * customer id is the platform's (a generic source's may hold spaces, `/` or any letter): the console
 * sends it percent-encoded as one path segment.
 */
export const ROUTE_PARAMETERS: Record<string, string> = {
  caseId: `${CASE_ID_CHARACTERS}+`,
  agentId: '[A-Za-z0-9_-]{1,100}',
  brandId: '[a-z0-9-]+',
  platform: 'x|facebook|instagram|generic',
  customerId: '[^\\u0000-\\u001f]{1,600}',
  accountId: '[A-Za-z0-9_.:-]{1,100}',
  kind: 'cases|messages|report|audit',
  // A page id: `sla:<case id>:<deadline>@<instant>:<step>`, `risk:<platform>:<post id>`, ...
  pageId: '[A-Za-z0-9_.:@#+-]{1,400}',
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
