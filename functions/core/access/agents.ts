import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { InvalidRequestError } from '../agent-desk';
import { ALL_BRANDS, type Caller, ROLES, type Role } from './policy';

/**
 * The agent registry: who works here, for which brands and teams, in which role, and the name and
 * initials that sign their public replies (set by an administrator, never by the agent). Keyed by
 * the agent's id: the Cognito `sub` in AWS, a generated id locally (where each agent has a token).
 */
export interface AgentRecord extends Caller {
  name: string;
  initials: string;
  teams: string[];
  /** How many open cases the agent works at once (routing reads it). */
  capacity?: number;
  /** A local manager's notifications about new negative or risky cases at their locations. */
  notify?: LocalManagerNotify;
  /** SHA-256 of the agent's local bearer token; the token itself is shown once and never stored. */
  tokenHash?: string;
  createdAt: string;
  createdBy: string;
  /** Removed agents are kept (the audit trail names them) and can no longer sign in. */
  removedAt?: string;
}

/** The registry port. */
export interface AgentRegistry {
  /** Adds the agent (and its token's lookup key); 'duplicate' when the id or the token is taken. */
  addAgent(agent: AgentRecord): Promise<'written' | 'duplicate'>;
  getAgent(id: string): Promise<AgentRecord | undefined>;
  findByTokenHash(tokenHash: string): Promise<AgentRecord | undefined>;
  listAgents(): Promise<AgentRecord[]>;
  /** Removes the agent (kept, marked removed) and revokes its token; false when there was none. */
  removeAgent(id: string): Promise<boolean>;
}

/**
 * Where and how a local manager hears of new negative or risky cases at their locations: an e-mail
 * (subscribed to the on-call topic for pages addressed to them), each case at once or, with `digest`,
 * one list a day in the morning of the location's timezone.
 */
export interface LocalManagerNotify {
  email?: string;
  digest: boolean;
}

export interface NewAgent {
  /** The Cognito `sub` in AWS; generated locally when absent. */
  id?: string;
  name: string;
  initials: string;
  brands: string[];
  role: Role;
  teams: string[];
  capacity?: number;
  locations?: string[];
  notify?: LocalManagerNotify;
}

/** Letters of the first and last name: "Sam de Vries" → "SV". */
export function initialsOf(name: string): string {
  const words = name.split(/\s+/).filter((w) => /^\p{Lu}/u.test(w) || w === name.split(/\s+/)[0]);
  const picked = words.length > 1 ? [words[0]!, words.at(-1)!] : words;
  return picked.map((w) => [...w][0]!.toUpperCase()).join('');
}

const NAME = /^[\p{L}\p{M}\p{N} .'’-]{1,80}$/u;
const INITIALS = /^[\p{L}\p{N}.]{1,6}$/u;
const TEAM = /^[a-z0-9][a-z0-9_-]{0,39}$/;
const SUB = /^[A-Za-z0-9_-]{1,128}$/;
const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;

/** A local manager's locations and notifications, checked against the locations of their brands. */
function parseLocalManager(
  input: Record<string, unknown>,
  role: Role,
  brands: string[],
  locationsOf: (brandId: string) => readonly string[],
): Pick<NewAgent, 'locations' | 'notify'> {
  const { locations, notify } = input;
  if (role !== 'local_manager') {
    if (locations !== undefined || notify !== undefined)
      throw new InvalidRequestError('locations', 'locations and notify are for the local_manager role');
    return {};
  }
  if (brands.includes(ALL_BRANDS))
    throw new InvalidRequestError('brands', 'a local manager works for named brands, not "*"');
  const known = [...new Set(brands.flatMap((b) => locationsOf(b)))];
  if (
    !Array.isArray(locations) ||
    locations.length === 0 ||
    locations.some((l) => typeof l !== 'string' || !known.includes(l))
  )
    throw new InvalidRequestError(
      'locations',
      known.length
        ? `one or more location codes of the agent's brands: ${known.join(', ')}`
        : "location codes of the agent's brands (these brands have no locations configured)",
    );
  if (notify === undefined) return { locations: [...new Set(locations as string[])] };
  const { email, digest, ...rest } = (typeof notify === 'object' && notify !== null ? notify : {}) as Record<
    string,
    unknown
  >;
  if (
    typeof notify !== 'object' ||
    notify === null ||
    Object.keys(rest).length > 0 ||
    (email !== undefined && (typeof email !== 'string' || !EMAIL.test(email))) ||
    (digest !== undefined && typeof digest !== 'boolean')
  )
    throw new InvalidRequestError(
      'notify',
      '{"email": an e-mail address, "digest": true for one list a day instead of one message per case}',
    );
  return {
    locations: [...new Set(locations as string[])],
    notify: { ...(email ? { email: email as string } : {}), digest: digest === true },
  };
}

/** Checks a request to add an agent: every problem named, the brands known. */
export function parseNewAgent(
  input: Record<string, unknown>,
  knownBrands: readonly string[],
  locationsOf: (brandId: string) => readonly string[] = () => [],
): NewAgent {
  const { name, brands, role, teams, capacity, initials, id } = input;
  if (typeof name !== 'string' || !NAME.test(name.trim()))
    throw new InvalidRequestError('name', 'the display name that signs replies (letters, 1-80 characters)');
  if (
    !Array.isArray(brands) ||
    brands.length === 0 ||
    brands.some((b) => typeof b !== 'string' || (b !== ALL_BRANDS && !knownBrands.includes(b)))
  )
    throw new InvalidRequestError('brands', `one or more of ${knownBrands.join(', ')} (or "${ALL_BRANDS}")`);
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role))
    throw new InvalidRequestError('role', `one of ${ROLES.join(', ')}`);
  if (
    teams !== undefined &&
    (!Array.isArray(teams) || teams.some((t) => typeof t !== 'string' || !TEAM.test(t)))
  )
    throw new InvalidRequestError('teams', 'team ids: lower-case letters, digits, - and _');
  if (
    capacity !== undefined &&
    (!Number.isInteger(capacity) || (capacity as number) < 1 || (capacity as number) > 100)
  )
    throw new InvalidRequestError('capacity', 'a whole number of cases from 1 to 100');
  if (initials !== undefined && (typeof initials !== 'string' || !INITIALS.test(initials)))
    throw new InvalidRequestError('initials', 'up to 6 letters or digits');
  if (id !== undefined && (typeof id !== 'string' || !SUB.test(id)))
    throw new InvalidRequestError('id', "the agent's Cognito user id (sub)");
  const trimmed = name.trim();
  const local = parseLocalManager(input, role as Role, [...new Set(brands as string[])], locationsOf);
  return {
    ...(id !== undefined ? { id: id as string } : {}),
    name: trimmed,
    initials: (initials as string | undefined) ?? initialsOf(trimmed),
    brands: [...new Set(brands as string[])],
    role: role as Role,
    teams: [...new Set((teams as string[] | undefined) ?? [])],
    ...(capacity !== undefined ? { capacity: capacity as number } : {}),
    ...local,
  };
}

/** A new local bearer token: 32 random bytes, so its SHA-256 alone is enough to store. */
export function issueToken(): string {
  return `sc_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Compares two secrets in constant time (over their digests, so the length leaks nothing either). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

export function newAgentId(): string {
  return `agent-${randomBytes(6).toString('hex')}`;
}

/** The administrator that `SOCIALCARE_API_TOKEN` stands for (scripts, tests, the CLI). */
export const TOKEN_ADMIN: AgentRecord = {
  id: 'admin',
  name: 'Administrator',
  initials: 'ADM',
  role: 'admin',
  brands: [ALL_BRANDS],
  teams: [],
  createdAt: '1970-01-01T00:00:00.000Z',
  createdBy: 'SOCIALCARE_API_TOKEN',
};

/** The Cognito group whose members are administrators before the registry knows them (the first admin). */
export const ADMIN_GROUP = 'socialcare-admin';

export interface Authenticator {
  /** A local bearer token: the environment's admin token, else an agent's token from the registry. */
  byToken(token: string): Promise<AgentRecord | undefined>;
  /** A Cognito user the gateway verified: the registry's record for its `sub`, or the bootstrap admin. */
  byClaims(claims: Record<string, unknown>): Promise<AgentRecord | undefined>;
}

export function createAuthenticator(registry: AgentRegistry, adminToken?: string): Authenticator {
  return {
    async byToken(token) {
      if (!token) return undefined;
      if (adminToken && sameSecret(token, adminToken)) return TOKEN_ADMIN;
      // The lookup is by the token's SHA-256: what leaks through timing is a hash of a random token.
      const agent = await registry.findByTokenHash(hashToken(token));
      return agent?.tokenHash && !agent.removedAt && sameSecret(hashToken(token), agent.tokenHash)
        ? agent
        : undefined;
    },
    async byClaims(claims) {
      const sub = typeof claims.sub === 'string' ? claims.sub : undefined;
      if (!sub) return undefined;
      const known = await registry.getAgent(sub);
      if (known?.removedAt) return undefined;
      if (known) return known;
      const groups = String(claims['cognito:groups'] ?? '');
      if (
        groups
          .replace(/[[\]]/g, '')
          .split(/[\s,]+/)
          .includes(ADMIN_GROUP)
      ) {
        const name = String(claims.name ?? claims.email ?? 'Administrator');
        return { ...TOKEN_ADMIN, id: sub, name, initials: initialsOf(name), createdBy: ADMIN_GROUP };
      }
      return undefined;
    },
  };
}

/** An agent as the API shows it: never the token hash. */
export function publicAgent(agent: AgentRecord): Omit<AgentRecord, 'tokenHash'> {
  const { tokenHash: _hash, ...rest } = agent;
  return rest;
}
