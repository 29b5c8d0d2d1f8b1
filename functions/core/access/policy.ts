/**
 * Who may do what: one pure decision over the caller's role and brands, asked by every agent API
 * route before it reads or changes anything. Another brand's things are answered as absent
 * (`not_found`), never as forbidden: a case id is guessable (`x-<post id>`) and a 403 would confirm it.
 */

export const ROLES = ['agent', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Every brand, present and future: the administrator `SOCIALCARE_API_TOKEN` or the first start creates. */
export const ALL_BRANDS = '*';

export interface Caller {
  id: string;
  role: Role;
  /** Brand ids, or [ALL_BRANDS]. */
  brands: string[];
}

export const ACTIONS = [
  // Anyone signed in, about themselves or the brands they work for.
  'me.read',
  'brand.read',
  // Working cases of the caller's brands.
  'case.list',
  'case.view',
  'case.claim',
  'case.reply',
  'case.note',
  'case.tag',
  'case.lane',
  'case.correct',
  'case.resolve',
  'customer.link',
  'customer.crm',
  'page.list',
  'page.ack',
  // Supervisors: who works which case, who is abusive, how the team does, what was done.
  'case.assign',
  'customer.abuse',
  'report.read',
  'audit.read',
  'label.export',
  'data.export',
  'agent.list',
  'account.list',
  // Administrators: who is who, and the brands' accounts.
  'agent.manage',
  'account.reauthorize',
] as const;
export type Action = (typeof ACTIONS)[number];

/** The least role that may take each action. */
export const LEAST_ROLE: Record<Action, Role> = {
  'me.read': 'agent',
  'brand.read': 'agent',
  'case.list': 'agent',
  'case.view': 'agent',
  'case.claim': 'agent',
  'case.reply': 'agent',
  'case.note': 'agent',
  'case.tag': 'agent',
  'case.lane': 'agent',
  'case.correct': 'agent',
  'case.resolve': 'agent',
  'customer.link': 'agent',
  'customer.crm': 'agent',
  'page.list': 'agent',
  'page.ack': 'agent',
  'case.assign': 'supervisor',
  'customer.abuse': 'supervisor',
  'report.read': 'supervisor',
  'audit.read': 'supervisor',
  'label.export': 'supervisor',
  'data.export': 'supervisor',
  'agent.list': 'supervisor',
  'account.list': 'supervisor',
  'agent.manage': 'admin',
  'account.reauthorize': 'admin',
};

export type Decision = 'allowed' | 'forbidden' | 'not_found';

export function hasRole(role: Role, least: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(least);
}

export function worksFor(caller: Pick<Caller, 'brands'>, brandId: string): boolean {
  return caller.brands.includes(ALL_BRANDS) || caller.brands.includes(brandId);
}

/**
 * May the caller take this action, on these brands (the case's, the customer's, the ones a query
 * or a new agent names)? A brand the caller does not work for is `not_found` whatever the role.
 */
export function decide(caller: Caller, action: Action, brandIds: readonly string[] = []): Decision {
  if (brandIds.some((brandId) => !worksFor(caller, brandId))) return 'not_found';
  return hasRole(caller.role, LEAST_ROLE[action]) ? 'allowed' : 'forbidden';
}

/** The actions the caller may take on its own brands: what the console shows. */
export function allowedActions(caller: Pick<Caller, 'role'>): Action[] {
  return ACTIONS.filter((action) => hasRole(caller.role, LEAST_ROLE[action]));
}

/** The brands of `all` the caller works for. */
export function visibleBrands<T extends { id: string }>(
  caller: Pick<Caller, 'brands'>,
  all: readonly T[],
): T[] {
  return all.filter((brand) => worksFor(caller, brand.id));
}
