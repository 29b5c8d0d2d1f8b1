import type { BrandDirectory } from '../../core/brand-config';
import type { Interaction } from '../../core/interaction';
import * as z from '../../core/schema';
import { isObject, MalformedPayloadError, type NormalizeResult } from '../accept';

export { MalformedPayloadError };

/** Source names: short, lowercase, safe inside ids (`yelp`, `google-business`, `trustpilot`). */
export const GENERIC_SOURCE_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** One item of the generic webhook, as documented in docs/generic-webhook.md. Other keys are ignored. */
export const genericItemSchema = z.object({
  source: z
    .string()
    .check(z.regex(GENERIC_SOURCE_PATTERN, 'expected a lowercase source name such as "yelp"')),
  brandId: z.string().check(z.minLength(1)),
  id: z.string().check(z.minLength(1), z.maxLength(512)),
  url: z.url({ protocol: /^https?$/, error: 'expected the http(s) link to the item at its source' }),
  author: z.object({
    id: z.string().check(z.minLength(1), z.maxLength(512)),
    name: z.optional(z.string().check(z.maxLength(512))),
    handle: z.optional(z.string().check(z.maxLength(512))),
  }),
  text: z.string().check(z.maxLength(100_000)),
  time: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time with Z or an offset' }),
  rating: z.optional(z.number().check(z.gte(1), z.lte(5))),
  lang: z.optional(z.string().check(z.minLength(2), z.maxLength(35))),
  inReplyTo: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
});

export type GenericItem = z.infer<typeof genericItemSchema>;

export interface GenericNormalizeResult extends NormalizeResult {
  /** Which item of the request was refused and why: parked, and told to the caller. */
  rejected: Array<{ index: number; reason: string; event: unknown }>;
}

function firstIssue(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : '(item)';
  return `${where}: ${issue?.message ?? 'invalid'}`;
}

/**
 * Turns a generic webhook body (one item, or `{ "items": [...] }`) signed by `source` into
 * interactions. Every item must name that same source and a configured brand. Reviews (with a
 * rating) and mentions are public; the account is the source itself with the care role, since a
 * review site is answered by a person at the source, never by the bot.
 */
export function normalizeGenericWebhook(
  payload: unknown,
  source: string,
  directory: BrandDirectory,
  receivedAt: string,
): GenericNormalizeResult {
  if (!isObject(payload)) throw new MalformedPayloadError('body is not a JSON object');
  let items: unknown[];
  if ('items' in payload) {
    if (!Array.isArray(payload.items)) throw new MalformedPayloadError('items is not an array');
    items = payload.items;
  } else {
    items = [payload];
  }

  const result: GenericNormalizeResult = { interactions: [], ignored: {}, rejected: [] };
  const seen = new Set<string>();
  const accepted: Array<{ at: number; interaction: Interaction }> = [];
  items.forEach((event, index) => {
    const parsed = genericItemSchema.safeParse(event);
    if (!parsed.success) {
      result.rejected.push({ index, reason: firstIssue(parsed.error), event });
      return;
    }
    const item = parsed.data;
    if (item.source !== source) {
      result.rejected.push({
        index,
        reason: `source "${item.source}" differs from the signing source "${source}"`,
        event,
      });
      return;
    }
    if (!directory.brand(item.brandId)) {
      result.rejected.push({ index, reason: `brandId "${item.brandId}" is not a configured brand`, event });
      return;
    }
    const platformMessageId = `${source}:${item.id}`;
    if (seen.has(platformMessageId)) {
      result.ignored['duplicate in batch'] = (result.ignored['duplicate in batch'] ?? 0) + 1;
      return;
    }
    seen.add(platformMessageId);
    const at = Date.parse(item.time);
    accepted.push({
      at,
      interaction: {
        schemaVersion: 1,
        platform: 'generic',
        visibility: 'public',
        kind: item.rating !== undefined ? 'review' : 'mention',
        platformMessageId,
        brandId: item.brandId,
        account: { id: source, role: 'care' },
        // Ids are the source's: a Yelp user and a Trustpilot user with the same id are two people.
        author: {
          id: `${source}:${item.author.id}`,
          ...(item.author.name ? { name: item.author.name } : {}),
          ...(item.author.handle ? { handle: item.author.handle } : {}),
        },
        // The queue contract has no rating field: the stars lead the text, where agents and triage see them.
        text: item.rating !== undefined ? `[rating ${item.rating}/5] ${item.text}` : item.text,
        ...(item.lang ? { lang: item.lang } : {}),
        createdAt: new Date(at).toISOString(),
        receivedAt,
        conversationId: `generic:${source}:${item.inReplyTo ?? item.id}`,
        ...(item.inReplyTo ? { inReplyToId: `${source}:${item.inReplyTo}` } : {}),
        url: item.url,
      },
    });
  });
  accepted.sort((a, b) => a.at - b.at);
  result.interactions = accepted.map((a) => a.interaction);
  return result;
}
