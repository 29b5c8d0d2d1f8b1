import type { Action } from '../core/access/policy';

/**
 * What a route is about, so the router can find the brands the policy decides on before the route
 * runs: nothing but the caller (`caller`), a case (`case`, by its id), a customer of a brand
 * (`customer`, the brand in the path), a brand named by `?brand=` (`query`: all the caller's brands
 * without it), the brands of an agent (`agent`: an agent to add, in the body, or one named in the path),
 * the brand that owns one of our platform accounts (`account`, the platform and account id in the path).
 */
export type RouteScope = 'caller' | 'case' | 'customer' | 'query' | 'agent' | 'account';

/** Every route of the agent API, declared once: the router, the CDK routes and the tests read it. */
export const AGENT_API_ROUTES = [
  { key: 'me', verbs: ['GET'], path: '/api/me', action: 'me.read', scope: 'caller' },
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
  { key: 'case.tags', verbs: ['PUT'], path: '/api/cases/{caseId}/tags', action: 'case.tag', scope: 'case' },
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
  { key: 'pages', verbs: ['GET'], path: '/api/pages', action: 'page.list', scope: 'query' },
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

/** What each path parameter may hold (a case id is `<platform>-<platform id>`). */
const PARAMETER_PATTERNS: Record<string, string> = {
  caseId: '[A-Za-z0-9_.:-]+',
  agentId: '[A-Za-z0-9_-]+',
  brandId: '[a-z0-9-]+',
  platform: 'x|facebook|instagram|generic',
  customerId: '[A-Za-z0-9_.:-]+',
  accountId: '[A-Za-z0-9_.:-]+',
};

export function routePattern(path: string): RegExp {
  const source = path.replace(/\{(\w+)\}/g, (_, name: string) => `(${PARAMETER_PATTERNS[name] ?? '[^/]+'})`);
  return new RegExp(`^${source}$`);
}
