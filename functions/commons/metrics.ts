import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricName, MetricsSink } from '../core/metrics';

const SECONDS: ReadonlySet<MetricName> = new Set(['FirstResponseSeconds']);

/**
 * CloudWatch embedded metrics through Powertools: counts are summed per brand within an invocation
 * and written as one EMF record per brand and metric; latencies are written one value each.
 * Locally (POWERTOOLS_METRICS_DISABLED=true) nothing is printed.
 */
export class EmbeddedMetrics implements MetricsSink {
  private readonly metrics = new Metrics({ namespace: 'socialcare', serviceName: 'socialcare' });
  private readonly counts = new Map<string, number>();
  private readonly latencies: Array<{ name: MetricName; brandId: string; value: number }> = [];

  record(name: MetricName, brandId: string, value = 1): void {
    if (SECONDS.has(name)) this.latencies.push({ name, brandId, value });
    else this.counts.set(`${name}|${brandId}`, (this.counts.get(`${name}|${brandId}`) ?? 0) + value);
  }

  flush(): void {
    const entries = [
      ...[...this.counts].map(([key, value]) => {
        const [name, brandId] = key.split('|') as [MetricName, string];
        return { name, brandId, value };
      }),
      ...this.latencies,
    ];
    this.counts.clear();
    this.latencies.length = 0;
    for (const { name, brandId, value } of entries) {
      const single = this.metrics.singleMetric();
      single.addDimension('brand', brandId);
      single.addMetric(name, SECONDS.has(name) ? MetricUnit.Seconds : MetricUnit.Count, value);
    }
  }
}
