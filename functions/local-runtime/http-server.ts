import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { HttpEvent, HttpResult } from '../commons/http';
import { MAX_WEBHOOK_BODY_BYTES, method } from '../commons/http';
import { logger } from '../commons/logger';

export type Route = (event: HttpEvent) => Promise<HttpResult>;
export type StreamRoute = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

export interface LocalRoutes {
  /** Exact path prefix → handler, checked in order; a prefix ending in / matches everything under it. */
  /**
   * `loopbackHostOnly`: answered only when the request names this machine by a loopback name in its
   * Host header; anything else (a LAN address, a DNS-rebinding page's own name) gets 403 before the
   * handler runs, whatever token it carries.
   */
  routes: Array<
    | { prefix: string; handler: Route; loopbackHostOnly?: boolean }
    /** Writes the response itself, streamed (a download of an export). */
    | { prefix: string; stream: StreamRoute; loopbackHostOnly?: boolean }
  >;
  ready: () => boolean;
}

class BodyTooLargeError extends Error {}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLargeError());
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** Builds the API Gateway HTTP API (payload 2.0) event the deployed functions receive. */
export function toHttpEvent(request: IncomingMessage, body: Buffer): HttpEvent {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[key.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;
  const verb = (request.method ?? 'GET').toUpperCase();
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${verb} ${url.pathname}`,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: verb,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: `${verb} ${url.pathname}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    // Base64 keeps the exact bytes: signatures are checked over them.
    ...(body.length ? { body: body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0,
  };
}

function send(response: ServerResponse, result: HttpResult): void {
  const headers = { ...(result.headers ?? {}) } as Record<string, string>;
  const body = result.body ? (result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body) : '';
  response.writeHead(result.statusCode ?? 200, headers);
  response.end(body);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

/** One file of a static site, keyed by its URL path. */
export interface StaticFile {
  body: Buffer;
  contentType: string;
  cacheControl: string;
}

/** What the console may load and call locally: its own files and the API on the same origin. */
const CONSOLE_SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/**
 * Serves a static site (the agent console) as a route: GET and HEAD only, index.html at the root and
 * for any path without a file extension (the console routes with #/, so this is only a safety net),
 * 404 for a missing file. `files` is asked on every request, so a rebuilt site is served at once.
 */
export function staticSite(files: () => Promise<Map<string, StaticFile>>): Route {
  return async (event): Promise<HttpResult> => {
    const verb = method(event);
    if (verb !== 'GET' && verb !== 'HEAD') {
      return {
        statusCode: 405,
        headers: { allow: 'GET, HEAD', 'content-type': 'application/json' },
        body: '{"error":"method not allowed"}',
      };
    }
    let site: Map<string, StaticFile>;
    try {
      site = await files();
    } catch (error) {
      logger.error('the console could not be built', { error: error as Error });
      return {
        statusCode: 503,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
        body: `The agent console could not be built: ${(error as Error).message}\n`,
      };
    }
    const path = event.rawPath === '/' ? '/index.html' : event.rawPath;
    const file = site.get(path) ?? (/\.[A-Za-z0-9]+$/.test(path) ? undefined : site.get('/index.html'));
    if (!file) {
      return {
        statusCode: 404,
        headers: { 'content-type': 'application/json' },
        body: '{"error":"no such file"}',
      };
    }
    return {
      statusCode: 200,
      headers: {
        'content-type': file.contentType,
        'cache-control': file.cacheControl,
        'content-length': String(file.body.length),
        ...CONSOLE_SECURITY_HEADERS,
      },
      body: file.body.toString('base64'),
      isBase64Encoded: true,
    };
  };
}

const LOOPBACK_IP = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;
const LOOPBACK_HOST = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/i;

/** A request from this machine that named this machine by a loopback name (not a rebound one). */
export function isLoopbackRequest(sourceIp: string, host: string | undefined): boolean {
  return LOOPBACK_IP.test(sourceIp) && LOOPBACK_HOST.test(host ?? '');
}

/**
 * The local console's settings. No token: each agent signs in with their own (typed once, or from
 * the link `socialcare start` prints for the first administrator).
 */
export function localConsoleConfig(): Route {
  return async (): Promise<HttpResult> => ({
    statusCode: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify({ mode: 'local', apiBase: '' }),
  });
}

/** The local stand-in for the HTTP API: same paths, same events, same handlers. */
export function createLocalHttpServer(config: LocalRoutes): Server {
  return createServer(async (request, response) => {
    try {
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      if (path === '/healthz') {
        sendJson(response, config.ready() ? 200 : 503, { ok: config.ready() });
        return;
      }
      // A prefix ending in / (the console at /) takes every path under it: list it last.
      const route = config.routes.find(
        (r) => path === r.prefix || path.startsWith(r.prefix.endsWith('/') ? r.prefix : `${r.prefix}/`),
      );
      if (!route) {
        sendJson(response, 404, { error: 'no such route' });
        return;
      }
      if (
        route.loopbackHostOnly &&
        !isLoopbackRequest(request.socket.remoteAddress ?? '', request.headers.host)
      ) {
        sendJson(response, 403, {
          error:
            'the agent API answers only requests to this machine by a loopback name (127.0.0.1 or localhost)',
        });
        return;
      }
      if ('stream' in route) {
        await route.stream(request, response);
        return;
      }
      let body: Buffer;
      try {
        body = await readBody(request, MAX_WEBHOOK_BODY_BYTES);
      } catch (error) {
        if (error instanceof BodyTooLargeError) {
          sendJson(response, 413, { error: 'payload too large' });
          return;
        }
        throw error;
      }
      send(response, await route.handler(toHttpEvent(request, body)));
    } catch (error) {
      logger.error('local request failed', { error: error as Error, url: request.url });
      if (!response.headersSent) sendJson(response, 500, { error: 'internal error' });
      else response.end();
    }
  });
}
