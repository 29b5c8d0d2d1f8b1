import type { AgentRecord, AgentRegistry } from '../access/agents';
import { worksFor } from '../access/policy';
import type { Brand } from '../brand-config';
import type { CareCase, CaseStore } from '../cases';
import { parseDuration } from '../duration';
import type { Interaction } from '../interaction';
import { type AgentLoad, type AgentStatus, assignmentOrder, stickyAgent } from './assignment';
import {
  DEFAULT_CAPACITY,
  DEFAULT_STICKY_WINDOW,
  EMPTY_ROUTING,
  type RoutingConfig,
  type RoutingDecision,
  type RoutingExtras,
  type RoutingFacts,
  routeCase,
} from './rules';

/** A brand's routing rules as a supervisor saved them: version 1, 2, ... (0 is the brand config's). */
export interface StoredRouting {
  brandId: string;
  version: number;
  routing: RoutingConfig;
  savedAt: string;
  savedBy: string;
}

/** An agent's presence and the open cases they hold (the load capacity is checked against). */
export interface AgentState {
  agentId: string;
  status: AgentStatus;
  statusAt?: string;
  openCaseIds: string[];
}

export type AssignOutcome = 'written' | 'conflict' | 'unavailable';

/** The routing port: rule versions and agents' states, with the conditional writes that keep capacity. */
export interface RoutingStore {
  /** The newest saved version of the brand's rules; undefined while the brand config's rules stand. */
  currentRouting(brandId: string): Promise<StoredRouting | undefined>;
  /** Saves a new version; 'conflict' when that version number exists already (someone saved first). */
  saveRouting(entry: StoredRouting): Promise<'written' | 'conflict'>;
  listRoutingVersions(brandId: string, limit: number): Promise<StoredRouting[]>;
  /** Every agent state there is (agents who never set a status have none: they are away). */
  listAgentStates(): Promise<AgentState[]>;
  getAgentState(agentId: string): Promise<AgentState | undefined>;
  setStatus(agentId: string, status: AgentStatus, at: string): Promise<AgentState>;
  /**
   * Writes the case (if still at `expectedVersion`) with the agent as its assignee and adds it to the
   * agent's open cases, all or none, only if the agent is available and still holds exactly
   * `seenOpenCases` cases (fewer than their capacity): two dispatchers never overfill or unbalance anyone.
   * 'conflict': the case changed; 'unavailable': the agent's state changed (re-read and choose again).
   */
  assignWithinCapacity(
    updated: CareCase,
    expectedVersion: number,
    agentId: string,
    seenOpenCases: number,
  ): Promise<AssignOutcome>;
  /** Counts a case on an agent (a claim or a supervisor's assignment): idempotent, never refused. */
  hold(agentId: string, caseId: string): Promise<void>;
  /** The case no longer counts on the agent (resolved, or given to someone else): idempotent. */
  release(agentId: string, caseId: string): Promise<void>;
}

export interface RoutingDeps {
  routing: RoutingStore;
  cases: CaseStore;
  agents: AgentRegistry;
  now?: () => Date;
}

/** The rules in force for a brand: the newest saved version, else the brand config's (version 0). */
export async function routingOf(
  brand: Brand,
  store: RoutingStore | undefined,
): Promise<{ routing: RoutingConfig; version: number; source: 'config' | 'stored' }> {
  const stored = store ? await store.currentRouting(brand.id) : undefined;
  if (stored) return { routing: stored.routing, version: stored.version, source: 'stored' };
  return { routing: brand.routing ?? EMPTY_ROUTING, version: 0, source: 'config' };
}

/** The facts triage knows about a post opening a case: its topic and needs-a-reply as triage read them. */
export function routingExtras(
  brand: Brand,
  interaction: Interaction,
  reading: { topic: string | null; needsReply: boolean },
  location: string | undefined,
): RoutingExtras {
  const handle = brand.accounts.find(
    (a) => a.platform === interaction.platform && a.id === interaction.account.id,
  )?.handle;
  return {
    ...(interaction.lang ? { language: interaction.lang.toLowerCase().slice(0, 3) } : {}),
    topic: reading.topic,
    ...(location ? { location } : {}),
    ...(interaction.author.followers !== undefined ? { followers: interaction.author.followers } : {}),
    needsReply: reading.needsReply,
    ...(handle ? { accountHandle: handle } : {}),
  };
}

/** The rules' view of a case (a new one, or a past one in a dry run). */
export function factsOfCase(
  careCase: CareCase,
  extras: RoutingExtras = careCase.routedBy?.facts ?? {},
  text?: string,
): RoutingFacts {
  const location = (careCase as CareCase & { location?: string }).location ?? extras.location;
  return {
    ...extras,
    ...(location ? { location } : {}),
    platform: careCase.platform,
    visibility: careCase.visibility,
    accountId: careCase.accountId,
    text: text ?? careCase.subject,
    sentiment: careCase.sentiment,
    priority: careCase.priority,
    customer: careCase.customer,
    source: careCase.source === 'listening' ? 'listening' : 'addressed',
  };
}

/** The new case with its team and the rule that routed it (cases the bot answers or ignores go to no team). */
export function withRouting(
  careCase: CareCase,
  routing: RoutingConfig,
  version: number,
  extras: RoutingExtras,
  text: string,
): CareCase {
  const decision = routeCase(routing, factsOfCase(careCase, extras, text));
  return {
    ...careCase,
    ...(decision.team ? { team: decision.team } : {}),
    routedBy: { rule: decision.rule, reasons: decision.reasons, version, facts: extras },
  };
}

/** Whether a case waits for a person (the bot's answers and ignored posts do not). */
export function needsAgent(careCase: CareCase): boolean {
  // A case in the no-reply lane (thanks, praise, noise) owes nobody an answer: it takes no agent's capacity.
  return (
    careCase.status !== 'resolved' &&
    careCase.lane !== 'no_reply' &&
    (careCase.action === 'agent' || careCase.action === 'escalate')
  );
}

const capacityOf = (agent: AgentRecord) => agent.capacity ?? DEFAULT_CAPACITY;

function loadOf(agent: AgentRecord, state: AgentState | undefined): AgentLoad {
  return {
    agentId: agent.id,
    status: state?.status ?? 'away',
    openCases: state?.openCaseIds.length ?? 0,
    capacity: capacityOf(agent),
  };
}

/** The team's members for a brand, with their loads. */
export async function teamLoads(
  brandId: string,
  team: string,
  deps: Pick<RoutingDeps, 'routing' | 'agents'>,
): Promise<Array<AgentLoad & { name: string }>> {
  const [agents, states] = await Promise.all([deps.agents.listAgents(), deps.routing.listAgentStates()]);
  const byId = new Map(states.map((s) => [s.agentId, s]));
  return agents
    .filter((a) => !a.removedAt && a.teams.includes(team) && worksFor(a, brandId))
    .map((a) => ({ ...loadOf(a, byId.get(a.id)), name: a.name }));
}

// Each attempt reads again; under contention a dispatcher loses only to one that assigned something.
const MAX_ATTEMPTS = 100;

/**
 * Gives an unassigned case to someone: the sticky agent first (when `previousCaseId` names the
 * customer's previous case), else the available team member with the fewest open cases. Every write
 * is conditional, so concurrent dispatchers never take an agent above capacity; a case nobody can
 * take stays in its team's queue. Returns the case as it now stands.
 */
export async function assignCase(
  brand: Brand,
  careCase: CareCase,
  deps: RoutingDeps,
  previousCaseId?: string,
): Promise<CareCase> {
  const now = deps.now?.() ?? new Date();
  let current: CareCase | undefined = careCase;
  let sticky: string | undefined;
  if (previousCaseId) {
    const { routing } = await routingOf(brand, deps.routing);
    const windowMs = parseDuration(routing.stickyWindow) ?? (parseDuration(DEFAULT_STICKY_WINDOW) as number);
    sticky = stickyAgent(await deps.cases.getCase(previousCaseId), now, windowMs);
  }
  for (let attempt = 0; attempt < MAX_ATTEMPTS && current; attempt++) {
    if (current.assignee || !needsAgent(current)) return current;
    const candidates: AgentLoad[] = [];
    let how: 'sticky' | 'auto' = 'auto';
    if (sticky) {
      const agent = await deps.agents.getAgent(sticky);
      if (agent && !agent.removedAt && worksFor(agent, brand.id)) {
        const load = loadOf(agent, await deps.routing.getAgentState(agent.id));
        candidates.push(...assignmentOrder([load]));
      }
      how = 'sticky';
      // The sticky agent is tried once per fresh read; away or full, the case goes to the team.
      if (!candidates.length) sticky = undefined;
    }
    if (!candidates.length && current.team) {
      how = 'auto';
      candidates.push(...assignmentOrder(await teamLoads(brand.id, current.team, deps)));
    }
    const chosen = candidates[0];
    if (!chosen) return current;
    const updated: CareCase = {
      ...current,
      version: current.version + 1,
      assignee: chosen.agentId,
      assignedBy: { how, at: now.toISOString() },
    };
    const outcome = await deps.routing.assignWithinCapacity(
      updated,
      current.version,
      chosen.agentId,
      chosen.openCases,
    );
    if (outcome === 'written') return updated;
    if (outcome === 'conflict') current = await deps.cases.getCase(current.caseId);
    // 'unavailable': the agent's load or status moved under us; read again and choose again.
  }
  return current ?? careCase;
}

/**
 * Hands waiting cases of the brand's teams (all, or those named) to whoever can take them, soonest
 * deadline first: run when an agent becomes available or frees capacity. Returns the cases assigned.
 */
export async function fillTeamQueues(
  brand: Brand,
  teams: readonly string[] | undefined,
  deps: RoutingDeps,
): Promise<CareCase[]> {
  const waiting = (await deps.cases.listOpenCases(brand.id))
    .filter((c) => !c.assignee && c.team && (!teams || teams.includes(c.team)) && needsAgent(c))
    .sort(
      (a, b) =>
        (a.nextDeadlineAt ?? '9999').localeCompare(b.nextDeadlineAt ?? '9999') ||
        a.caseId.localeCompare(b.caseId),
    );
  const assigned: CareCase[] = [];
  const full = new Set<string>();
  for (const careCase of waiting) {
    if (full.has(careCase.team as string)) continue;
    const result = await assignCase(brand, careCase, deps);
    if (result.assignee && result.assignee !== careCase.assignee) assigned.push(result);
    else if (!result.assignee) full.add(careCase.team as string);
  }
  return assigned;
}

/** Where each of these past cases would go under `routing`, beside where it went. */
export function dryRun(
  cases: readonly CareCase[],
  routing: RoutingConfig,
): Array<{
  caseId: string;
  openedAt: string;
  was: { team: string | null; rule: string | null };
  would: RoutingDecision;
}> {
  return cases.map((c) => ({
    caseId: c.caseId,
    openedAt: c.openedAt,
    was: { team: c.team ?? null, rule: c.routedBy?.rule ?? null },
    would: routeCase(routing, factsOfCase(c)),
  }));
}
