import type { Writable } from 'node:stream';

/**
 * `socialcare agents add|list|remove` and `socialcare audit export`: the agent registry and the
 * audit trail through the agent API of a running system (local or deployed), as an administrator
 * or a supervisor.
 */
interface ApiOptions {
  url: string;
  token: string;
  fetchImpl?: typeof fetch;
}

async function call(options: ApiOptions, method: string, path: string, body?: unknown): Promise<Response> {
  const url = `${options.url.replace(/\/$/, '')}${path}`;
  let response: Response;
  try {
    response = await (options.fetchImpl ?? fetch)(url, {
      method,
      headers: {
        authorization: `Bearer ${options.token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (error) {
    throw new Error(`${url} did not answer (${(error as Error).message}): is socialcare running there?`);
  }
  if (!response.ok) {
    const detail = (await response.json().catch(() => ({}))) as { error?: string };
    throw new Error(`the API answered ${response.status}: ${detail.error ?? 'no detail'}`);
  }
  return response;
}

export interface AgentInput {
  name: string;
  brands: string[];
  role: string;
  teams?: string[];
  capacity?: number;
  initials?: string;
  /** A local manager's location codes, and how they hear of new negative or risky cases there. */
  locations?: string[];
  notify?: { email?: string; digest: boolean };
  /** The Cognito sub, for a deployed system. */
  id?: string;
}

export async function addAgent(options: ApiOptions & { agent: AgentInput; output: Writable }): Promise<void> {
  const response = await call(options, 'POST', '/api/agents', options.agent);
  const body = (await response.json()) as { id: string; token?: string };
  options.output.write(
    body.token
      ? `added agent ${body.id} (${options.agent.name}, ${options.agent.role} of ${options.agent.brands.join(', ')})\n` +
          `token (shown once; give it to the agent): ${body.token}\n` +
          `console sign-in link: ${options.url.replace(/\/$/, '')}/#token=${body.token}\n`
      : `added agent ${body.id} (${options.agent.name}, ${options.agent.role} of ${options.agent.brands.join(', ')})\n`,
  );
}

export async function listAgents(options: ApiOptions & { json?: boolean; output: Writable }): Promise<void> {
  const response = await call(options, 'GET', '/api/agents');
  const { agents } = (await response.json()) as {
    agents: Array<{
      id: string;
      name: string;
      initials: string;
      role: string;
      brands: string[];
      teams: string[];
    }>;
  };
  if (options.json) {
    for (const agent of agents) options.output.write(`${JSON.stringify(agent)}\n`);
    return;
  }
  for (const a of agents) {
    options.output.write(
      `${a.id}\t${a.name} (${a.initials})\t${a.role}\t${a.brands.join(',')}${a.teams.length ? `\tteams ${a.teams.join(',')}` : ''}\n`,
    );
  }
}

export async function removeAgent(options: ApiOptions & { id: string; output: Writable }): Promise<void> {
  await call(options, 'DELETE', `/api/agents/${encodeURIComponent(options.id)}`);
  options.output.write(`removed agent ${options.id}\n`);
}

/** Streams the brand's audit trail for the period to `output`, as the API sends it. */
export async function exportAudit(
  options: ApiOptions & {
    brand: string;
    from?: string;
    to?: string;
    format: 'csv' | 'jsonl';
    output: Writable;
  },
): Promise<void> {
  const query = new URLSearchParams({ brand: options.brand, format: options.format });
  if (options.from) query.set('from', options.from);
  if (options.to) query.set('to', options.to);
  const response = await call(options, 'GET', `/api/audit?${query}`);
  if (!response.body) return;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    if (!options.output.write(chunk)) await new Promise((r) => options.output.once('drain', r));
  }
}

/** Streams the brand's labelled examples (agents' corrections, text masked as stored) to `output`. */
export async function exportLabels(
  options: ApiOptions & {
    brand: string;
    from?: string;
    to?: string;
    format: 'tsv' | 'jsonl';
    output: Writable;
  },
): Promise<void> {
  const query = new URLSearchParams({ brand: options.brand, format: options.format });
  if (options.from) query.set('from', options.from);
  if (options.to) query.set('to', options.to);
  const response = await call(options, 'GET', `/api/labels?${query}`);
  if (!response.body) return;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    if (!options.output.write(chunk)) await new Promise((r) => options.output.once('drain', r));
  }
}
