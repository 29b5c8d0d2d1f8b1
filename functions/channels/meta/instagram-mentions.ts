import type { MentionContent, MentionContentReader } from '../../core/mention-content';
import { appSecretProof, GRAPH_API_BASE_URL, GRAPH_API_VERSION } from './graph-api';

export interface InstagramMentionReaderOptions {
  /** The access token of the Facebook page linked to this Instagram account (the sender's token). */
  tokenFor: (accountId: string, platform: 'instagram') => Promise<string>;
  /** Points the reader at a local stand-in of the Graph API, e.g. http://127.0.0.1:4010. */
  apiBaseUrl?: string;
  apiVersion?: string;
  /** When the app requires it: adds `appsecret_proof`. */
  appSecret?: () => Promise<string>;
  /** Triage waits at most this long per mention, then records it with its placeholder. */
  timeoutMs?: number;
}

/**
 * Reads a mention's text and author from the Instagram Graph API (Facebook Login):
 * `GET /{ig-user-id}?fields=mentioned_comment.comment_id({id}){…}` for a mention in a comment,
 * `…mentioned_media.media_id({id}){…}` for one in a caption. Errors are thrown with Graph's message.
 */
export class GraphInstagramMentionReader implements MentionContentReader {
  private readonly base: string;
  private readonly version: string;

  constructor(private readonly options: InstagramMentionReaderOptions) {
    this.base = (options.apiBaseUrl ?? GRAPH_API_BASE_URL).replace(/\/+$/, '');
    this.version = options.apiVersion ?? GRAPH_API_VERSION;
  }

  async read(request: { accountId: string; mediaId: string; commentId?: string }): Promise<MentionContent> {
    const token = await this.options.tokenFor(request.accountId, 'instagram');
    const field = request.commentId
      ? `mentioned_comment.comment_id(${request.commentId}){id,text,timestamp,username}`
      : `mentioned_media.media_id(${request.mediaId}){id,caption,timestamp,username,permalink}`;
    const url = new URL(`${this.base}/${this.version}/${encodeURIComponent(request.accountId)}`);
    url.searchParams.set('fields', field);
    if (this.options.appSecret) {
      url.searchParams.set('appsecret_proof', appSecretProof(await this.options.appSecret(), token));
    }
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
    });
    let body: Record<string, unknown> | undefined;
    try {
      body = (await response.json()) as Record<string, unknown>;
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      const error = (body?.error ?? {}) as { message?: unknown; code?: unknown };
      const message = typeof error.message === 'string' ? error.message : `HTTP ${response.status}`;
      throw new Error(
        `Graph API ${response.status}${typeof error.code === 'number' ? ` (code ${error.code})` : ''}: ${message}`,
      );
    }
    const found = (request.commentId ? body?.mentioned_comment : body?.mentioned_media) as
      | Record<string, unknown>
      | undefined;
    const text = request.commentId ? found?.text : found?.caption;
    if (typeof text !== 'string') throw new Error("Graph API answered without the mention's text");
    const timestamp = typeof found?.timestamp === 'string' ? Date.parse(found.timestamp) : Number.NaN;
    return {
      text,
      ...(typeof found?.username === 'string' && found.username ? { handle: found.username } : {}),
      ...(Number.isFinite(timestamp) ? { createdAt: new Date(timestamp).toISOString() } : {}),
      ...(typeof found?.permalink === 'string' ? { url: found.permalink } : {}),
    };
  }
}
