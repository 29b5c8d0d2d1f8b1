/**
 * Who may do what: one pure decision over the caller's role and brands, asked by every agent API
 * route before it reads or changes anything. Another brand's things are answered as absent
 * (`not_found`), never as forbidden: a case id is guessable (`x-<post id>`) and a 403 would confirm it.
 */

/**
 * From least to most. A `local_manager` (a hotel's or an airport's manager) reads their locations' cases
 * and notes on them, nothing else; every other role sees every location of its brands.
 */
export const ROLES = ['local_manager', 'agent', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Every brand, present and future: the administrator `SOCIALCARE_API_TOKEN` or the first start creates. */
export const ALL_BRANDS = '*';

export interface Caller {
  id: string;
  role: Role;
  /** Brand ids, or [ALL_BRANDS]. */
  brands: string[];
  /** A local manager's location codes (core/locations.ts): the only cases they see. */
  locations?: string[];
}

export const ACTIONS = [
  // Anyone signed in, about themselves or the brands they work for.
  'me.read',
  'me.status',
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
  'routing.read',
  'routing.manage',
  // Administrators: who is who, and the brands' accounts.
  'agent.manage',
  'account.reauthorize',
] as const;
export type Action = (typeof ACTIONS)[number];

/** The least role that may take each action. */
export const LEAST_ROLE: Record<Action, Role> = {
  'me.read': 'local_manager',
  'me.status': 'agent',
  'brand.read': 'local_manager',
  'case.list': 'local_manager',
  'case.view': 'local_manager',
  'case.claim': 'agent',
  'case.reply': 'agent',
  'case.note': 'local_manager',
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
  'routing.read': 'supervisor',
  'routing.manage': 'supervisor',
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

/**
 * May the caller see this case at all? Its brand must be one the caller works for and, for a local
 * manager, its location one of theirs (a case with no location is no local manager's). Every read path
 * (the queue, a case, its customer's other cases) asks this; the answer for a case is never `forbidden`.
 */
export function seesCase(
  caller: Pick<Caller, 'brands' | 'role' | 'locations'>,
  careCase: { brandId: string; location?: string },
): boolean {
  if (!worksFor(caller, careCase.brandId)) return false;
  if (caller.role !== 'local_manager') return true;
  return careCase.location !== undefined && (caller.locations ?? []).includes(careCase.location);
}

/** `decide` for an action on one case: a case the caller may not see is `not_found`. */
export function decideOnCase(
  caller: Caller,
  action: Action,
  careCase: { brandId: string; location?: string },
): Decision {
  if (!seesCase(caller, careCase)) return 'not_found';
  return decide(caller, action, [careCase.brandId]);
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
