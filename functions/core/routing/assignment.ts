/**
 * Who works a case: the sticky agent of a returning customer, else the available team member with the
 * fewest open cases, never above their capacity. Pure decisions over plain data; the dispatcher
 * (dispatch.ts) makes them hold with conditional writes.
 */

export const AGENT_STATUSES = ['available', 'away'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export interface AgentLoad {
  agentId: string;
  status: AgentStatus;
  /** Open cases the agent holds now (assigned or claimed, not yet resolved). */
  openCases: number;
  capacity: number;
}

/** What the sticky rule reads of the customer's previous case. */
export interface PreviousCase {
  status: string;
  assignee?: string;
  resolvedAt?: string;
}

/**
 * The agent a returning customer goes back to: the assignee of their previous case, when that case
 * closed within the window. Whether the agent is available and under capacity is checked at the write.
 */
export function stickyAgent(
  previous: PreviousCase | undefined,
  now: Date,
  windowMs: number,
): string | undefined {
  if (!previous?.assignee || previous.status !== 'resolved' || !previous.resolvedAt) return undefined;
  const closedAgo = now.getTime() - Date.parse(previous.resolvedAt);
  return closedAgo >= 0 && closedAgo <= windowMs ? previous.assignee : undefined;
}

/** Can this agent take one more case now? */
export function canTakeCase(load: AgentLoad): boolean {
  return load.status === 'available' && load.openCases < load.capacity;
}

/**
 * The agents who may take a case, best first: available, under capacity, fewest open cases; ties by
 * the share of capacity left, then by id (so two dispatchers agree on the order).
 */
export function assignmentOrder(loads: readonly AgentLoad[]): AgentLoad[] {
  return loads
    .filter(canTakeCase)
    .sort(
      (a, b) =>
        a.openCases - b.openCases ||
        a.openCases / a.capacity - b.openCases / b.capacity ||
        (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0),
    );
}
