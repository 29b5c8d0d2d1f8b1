import type { Brand } from './brand-config';
import { type Page, type PagingDeps, raisePage } from './paging';

/** Counts per key and time bucket: negative posts per brand per 10 minutes. */
export interface VolumeCounter {
  /** Adds one to the bucket and returns its new count. */
  increment(key: string, bucketStart: Date): Promise<number>;
  /** Counts of earlier buckets (0 where none). */
  counts(key: string, bucketStarts: Date[]): Promise<number[]>;
}

export const SPIKE_BUCKET_MS = 10 * 60_000;
/** The baseline is the mean of this many earlier buckets (one hour). */
export const SPIKE_BASELINE_BUCKETS = 6;
/** A spike needs at least this many negative posts in a bucket, and this many times the baseline. */
export const SPIKE_MIN_COUNT = 10;
export const SPIKE_FACTOR = 3;

export interface SpikeDeps extends PagingDeps {
  volumes: VolumeCounter;
  linkFor?: (caseId: string) => string;
}

/**
 * Counts a negative post and pages once when a brand's negative volume is well above its recent
 * baseline ("this is going viral"): at most one spike page per brand per hour.
 */
export async function countNegativePost(
  brand: Brand,
  receivedAt: string,
  deps: SpikeDeps,
): Promise<Page | undefined> {
  const at = Date.parse(receivedAt);
  const bucket = new Date(at - (at % SPIKE_BUCKET_MS));
  const key = `negative:${brand.id}`;
  const count = await deps.volumes.increment(key, bucket);
  if (count < SPIKE_MIN_COUNT) return undefined;
  const earlier = Array.from(
    { length: SPIKE_BASELINE_BUCKETS },
    (_, i) => new Date(bucket.getTime() - (i + 1) * SPIKE_BUCKET_MS),
  );
  const history = await deps.volumes.counts(key, earlier);
  const baseline = history.reduce((a, b) => a + b, 0) / SPIKE_BASELINE_BUCKETS;
  if (count < Math.max(SPIKE_MIN_COUNT, SPIKE_FACTOR * baseline)) return undefined;
  const hour = new Date(at - (at % 3_600_000)).toISOString();
  const title = `[${brand.name}] negative posts spiking: ${count} in 10 minutes (usual ${baseline.toFixed(1)})`;
  const page: Page = {
    pageId: `spike:${brand.id}:${hour}`,
    kind: 'spike',
    severity: 'critical',
    brandId: brand.id,
    title,
    text: `${title}\nThis may be going viral: check the queue for a common cause and consider a public statement.`,
    createdAt: new Date(at).toISOString(),
  };
  return (await raisePage(page, deps)) === 'published' ? page : undefined;
}
