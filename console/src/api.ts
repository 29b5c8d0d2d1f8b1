import type { Session } from './auth';

/** An answer of the agent API other than 2xx, with its body: 409 carries currentVersion, 422 problems. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(typeof body.error === 'string' ? body.error : `the API answered ${status}`);
    this.name = 'ApiError';
  }

  get problems(): Array<{ code: string; message: string }> {
    return Array.isArray(this.body.problems)
      ? (this.body.problems as Array<{ code: string; message: string }>)
      : [];
  }

  get currentVersion(): number | undefined {
    return typeof this.body.currentVersion === 'number' ? this.body.currentVersion : undefined;
  }
}

export interface Api {
  get<T>(path: string, query?: Record<string, string | undefined>): Promise<T>;
  send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

export function createApi(apiBase: string, session: Session, onSignedOut: () => void): Api {
  async function call<T>(method: string, path: string, body?: unknown, retried = false): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${apiBase}${path}`, {
        method,
        headers: {
          ...(await session.headers()),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        cache: 'no-store',
      });
    } catch (error) {
      throw new ApiError(0, { error: `cannot reach the agent API (${(error as Error).message})` });
    }
    if (response.status === 401 && !retried) {
      if (await session.recover()) return call<T>(method, path, body, true);
      onSignedOut();
    }
    const text = await response.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = { error: `the API answered ${response.status} with no JSON` };
    }
    if (!response.ok) throw new ApiError(response.status, parsed);
    return parsed as T;
  }
  return {
    get: <T>(path: string, query: Record<string, string | undefined> = {}) => {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
      const search = params.toString();
      return call<T>('GET', search ? `${path}?${search}` : path);
    },
    send: <T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) => call<T>(method, path, body),
  };
}
