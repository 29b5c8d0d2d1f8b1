import type { Brand } from '../../core/brand-config';
import { type FareQuote, type FareSource, StaticFareSource } from '../../core/faq/answer';
import * as z from '../../core/schema';

/** What a brand's fare service answers to GET <url>?from=AMS&to=JFK (404: no fare for that route). */
const quoteSchema = z.object({
  amount: z.number().check(z.positive()),
  currency: z.string().check(z.regex(/^[A-Z]{3}$/)),
  deepLink: z.url(),
  checkedAt: z.iso.datetime({ offset: true }),
});

export class FareServiceError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FareServiceError';
  }
}

/**
 * A brand's own fare service over HTTP. Any failure (timeout, status, bad body) is an error, which the
 * bot turns into a hand-off: a wrong public price is worse than none.
 */
export class HttpFareSource implements FareSource {
  constructor(
    private readonly url: string,
    private readonly timeoutMs: number,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async lowestReturnFare(from: string, to: string): Promise<FareQuote | undefined> {
    const url = new URL(this.url);
    url.searchParams.set('from', from);
    url.searchParams.set('to', to);
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      throw new FareServiceError(`fare service did not answer within ${this.timeoutMs} ms`, { cause });
    }
    if (response.status === 404) return undefined;
    if (!response.ok) throw new FareServiceError(`fare service answered ${response.status}`);
    const parsed = quoteSchema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success)
      throw new FareServiceError(
        `fare service answer is not a fare quote: ${parsed.error.issues[0]?.message}`,
      );
    return parsed.data;
  }
}

const sources = new WeakMap<Brand, FareSource>();

/** The fare source a brand configured: its HTTP service, or the knowledge base's own table. */
export function fareSourceFor(brand: Brand): FareSource {
  let source = sources.get(brand);
  if (!source) {
    const kb = brand.knowledgeBase!;
    const config = kb.fareSource;
    source =
      config?.type === 'http' ? new HttpFareSource(config.url, config.timeoutMs) : new StaticFareSource(kb);
    sources.set(brand, source);
  }
  return source;
}
