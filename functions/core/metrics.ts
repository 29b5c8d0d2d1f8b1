/** The metrics socialcare emits, per brand: the port; CloudWatch embedded metrics implement it. */
export type MetricName =
  | 'InteractionsAccepted'
  | 'CasesOpened'
  | 'MessagesRecorded'
  | 'DuplicatesSkipped'
  | 'RepliesSent'
  | 'FirstResponseSeconds'
  | 'DeadlineWarnings'
  | 'DeadlineBreaches'
  | 'Pages';

export interface MetricsSink {
  record(name: MetricName, brandId: string, value?: number): void;
  /** Writes what was recorded (once per invocation). */
  flush(): void;
}

/** Keeps totals in memory: local mode and tests. */
export class MemoryMetrics implements MetricsSink {
  readonly totals = new Map<string, number>();
  record(name: MetricName, brandId: string, value = 1): void {
    this.totals.set(`${name}|${brandId}`, (this.totals.get(`${name}|${brandId}`) ?? 0) + value);
  }
  flush(): void {}
}
