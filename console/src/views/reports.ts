import { barChart, legend, lineChart } from '../charts';
import type { View } from '../context';
import { clear, h } from '../dom';
import { PLATFORM_NAMES, percent, seconds } from '../format';
import type { ReportRow, SeriesPoint } from '../types';

const RANGES: Array<[string, string, number]> = [
  ['1', 'Last 24 hours', 1],
  ['7', 'Last 7 days', 7],
  ['14', 'Last 14 days', 14],
  ['30', 'Last 30 days', 30],
];

/** Every day of the range in the brand's timezone, so quiet days show as zero instead of vanishing. */
function daysBetween(from: string, to: string, timezone: string): string[] {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  const days: string[] = [];
  for (let t = Date.parse(from); t <= Date.parse(to) + 1; t += 3_600_000) {
    const day = format.format(new Date(t));
    if (days.at(-1) !== day) days.push(day);
  }
  return days;
}

/** A duration axis in round steps (30 s, 1 m, 5 m, 15 m, 1 h, ...): four steps cover the slowest day. */
function durationAxisMax(values: Array<number | null>): number {
  const slowest = Math.max(0, ...values.filter((v): v is number => v !== null));
  const steps = [15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400, 21_600, 43_200, 86_400];
  return (steps.find((step) => step * 4 >= slowest) ?? Math.ceil(slowest / 86_400) * 86_400) * 4;
}

const shortDay = (day: string) => {
  const [, m, d] = day.split('-');
  return `${Number(d)}/${Number(m)}`;
};

function channelName(channel: string): string {
  const [platform = '', visibility = ''] = channel.split(' ');
  return `${PLATFORM_NAMES[platform as keyof typeof PLATFORM_NAMES] ?? platform} ${visibility === 'private' ? 'DM' : visibility}`;
}

/** Response rate, first-response times, breaches and sentiment, per brand and channel, day by day. */
export const reportsView: View = (root, context) => {
  let range = localStorage.getItem('socialcare.reportRange') ?? '7';
  let brand = '';
  let stopped = false;
  const content = h('div', { class: 'reports' }, h('p', { class: 'muted' }, 'Loading the report…'));
  const controls = h(
    'div',
    { class: 'filters' },
    h(
      'label',
      { class: 'filter' },
      h('span', null, 'Period'),
      h(
        'select',
        {
          'data-filter': 'range',
          onchange: (e: Event) => {
            range = (e.target as HTMLSelectElement).value;
            localStorage.setItem('socialcare.reportRange', range);
            void load();
          },
        },
        RANGES.map(([value, label]) => h('option', { value, selected: value === range }, label)),
      ),
    ),
    context.brands.length > 1
      ? h(
          'label',
          { class: 'filter' },
          h('span', null, 'Brand'),
          h(
            'select',
            {
              onchange: (e: Event) => {
                brand = (e.target as HTMLSelectElement).value;
                void load();
              },
            },
            h('option', { value: '' }, 'All brands'),
            context.brands.map((b) => h('option', { value: b.id }, b.name)),
          ),
        )
      : null,
  );
  clear(
    root,
    h(
      'div',
      { class: 'page-head' },
      h('h1', null, 'Reports'),
      h('span', { class: 'muted' }, 'Cases opened in the period'),
    ),
    controls,
    context.can('data.export') ? exportControls() : null,
    content,
  );

  /** Cases, messages (masked), the report or the audit trail of the period, as a file to download. */
  function exportControls(): HTMLElement {
    let kind = 'cases';
    let format = 'csv';
    const result = h('span', { class: 'export-result', 'data-export-result': '' });
    const choose = (name: string, options: Array<[string, string]>, set: (v: string) => void) =>
      h(
        'label',
        { class: 'filter' },
        h('span', null, name),
        h(
          'select',
          {
            'data-export': name.toLowerCase(),
            onchange: (e: Event) => set((e.target as HTMLSelectElement).value),
          },
          options.map(([value, label]) => h('option', { value }, label)),
        ),
      );
    const run = async () => {
      const target = brand || (context.brands.length === 1 ? context.brands[0]?.id : undefined);
      if (!target) {
        clear(result, h('span', { class: 'muted' }, 'Choose a brand to export.'));
        return;
      }
      const days = RANGES.find((r) => r[0] === range)?.[2] ?? 7;
      const to = new Date();
      const from = new Date(to.getTime() - days * 86_400_000);
      clear(result, h('span', { class: 'muted' }, 'Exporting…'));
      try {
        const made = await context.api.get<{ url: string; name: string; bytes: number; expiresAt: string }>(
          `/api/exports/${kind}`,
          { brand: target, from: from.toISOString(), to: to.toISOString(), format },
        );
        if (stopped) return;
        clear(
          result,
          h('a', { href: made.url, download: made.name, 'data-export-link': '' }, `Download ${made.name}`),
          h(
            'span',
            { class: 'muted' },
            ` (${Math.ceil(made.bytes / 1024)} KB; the link works for 15 minutes)`,
          ),
        );
      } catch (error) {
        if (!stopped)
          clear(result, h('span', { class: 'banner danger' }, `Cannot export: ${(error as Error).message}`));
      }
    };
    return h(
      'div',
      { class: 'filters exports' },
      choose(
        'Export',
        [
          ['cases', 'Cases'],
          ['messages', 'Messages (masked)'],
          ['report', 'Report rows'],
          ['audit', 'Audit trail'],
        ],
        (v) => {
          kind = v;
        },
      ),
      choose(
        'Format',
        [
          ['csv', 'CSV'],
          ['jsonl', 'JSON lines'],
        ],
        (v) => {
          format = v;
        },
      ),
      h(
        'button',
        { type: 'button', class: 'button', 'data-export-run': '', onclick: () => void run() },
        'Export',
      ),
      result,
    );
  }

  async function load() {
    const days = RANGES.find((r) => r[0] === range)?.[2] ?? 7;
    const to = new Date();
    const from = new Date(to.getTime() - days * 86_400_000);
    try {
      const report = await context.api.get<{
        from: string;
        to: string;
        rows: ReportRow[];
        series: SeriesPoint[];
      }>('/api/reports', { from: from.toISOString(), to: to.toISOString(), brand });
      if (!stopped) render(report);
    } catch (error) {
      if (!stopped)
        clear(
          content,
          h('div', { class: 'banner danger' }, `Cannot load the report: ${(error as Error).message}`),
        );
    }
  }

  function tile(label: string, value: string, note: string, tone = '') {
    return h(
      'div',
      { class: `tile ${tone}` },
      h('span', { class: 'tile-label' }, label),
      h('strong', { class: 'tile-value' }, value),
      h('span', { class: 'tile-note' }, note),
    );
  }

  function render(report: { from: string; to: string; rows: ReportRow[]; series: SeriesPoint[] }) {
    const rows = report.rows;
    const timezone = (brand ? context.brand(brand) : context.brands[0])?.timezone ?? 'UTC';
    const labels = daysBetween(report.from, report.to, timezone);
    const byDay = new Map(report.series.map((p) => [p.date, p]));
    const at = (pick: (p: SeriesPoint) => number | null) =>
      labels.map((d) => (byDay.has(d) ? pick(byDay.get(d)!) : null));
    const zero = (pick: (p: SeriesPoint) => number) =>
      labels.map((d) => (byDay.has(d) ? pick(byDay.get(d)!) : 0));
    const dayLabels = labels.map(shortDay);

    const total = rows.reduce((n, r) => n + r.cases, 0);
    const answered = rows.reduce((n, r) => n + r.answered, 0);
    const auto = rows.reduce((n, r) => n + r.autoAnswered, 0);
    const breaches = rows.reduce((n, r) => n + r.breaches, 0);
    const negative = rows.reduce((n, r) => n + r.negative, 0);
    const open = rows.reduce((n, r) => n + r.open, 0);
    // People's first responses apart from the bot's instant ones: a median over both flatters the team.
    const slowest = Math.max(0, ...rows.map((r) => r.firstResponseByAgents?.p90 ?? 0));
    const botSlowest = Math.max(0, ...rows.map((r) => r.firstResponseByBot?.p90 ?? 0));
    const frtSeries = [
      { name: 'agents', className: 'c-frt', values: at((p) => p.agentFirstResponseP50 ?? null) },
      { name: 'FAQ bot', className: 'c-bot', values: at((p) => p.botFirstResponseP50 ?? null) },
    ];
    const rate = total ? answered / total : 0;

    const chartCard = (title: string, note: string, chart: SVGElement, key: HTMLElement | null) =>
      h(
        'section',
        { class: 'card chart-card' },
        h('h2', null, title),
        h('p', { class: 'muted small' }, note),
        chart,
        key,
      );

    const cases = { name: 'cases', className: 'c-cases', values: zero((p) => p.cases) };
    const answeredSeries = { name: 'answered', className: 'c-answered', values: zero((p) => p.answered) };
    const sentiment = [
      { name: 'negative or mixed', className: 'c-negative', values: zero((p) => p.negative) },
      { name: 'neutral', className: 'c-neutral', values: zero((p) => p.neutral) },
      { name: 'positive', className: 'c-positive', values: zero((p) => p.positive) },
    ];

    clear(
      content,
      h(
        'div',
        { class: 'tiles' },
        tile('Cases', String(total), `${report.series.length} day(s) with cases`),
        tile(
          'Response rate',
          total ? percent(rate) : '—',
          `${answered} answered`,
          total && rate < 0.9 ? 'warn' : 'good',
        ),
        tile('Answered by the bot', String(auto), total ? `${percent(auto / total)} of cases` : ''),
        tile('Deadlines breached', String(breaches), 'first breach per deadline', breaches ? 'bad' : 'good'),
        tile('Negative', total ? percent(negative / total) : '—', `${negative} negative or mixed`),
        tile('Agents’ first response p90', seconds(slowest || null), `slowest channel · ${open} still open`),
        tile('FAQ bot’s first response p90', seconds(botSlowest || null), 'slowest channel'),
      ),
      h(
        'div',
        { class: 'chart-grid' },
        chartCard(
          'Response rate',
          'Cases opened per day and how many got a first response (bot or agent).',
          barChart({
            title: 'cases and answered per day',
            labels: dayLabels,
            series: [cases, answeredSeries],
          }),
          legend([cases, answeredSeries]),
        ),
        chartCard(
          'First-response time',
          'Median time from the post reaching us to the first answer, per day: agents and the FAQ bot apart.',
          lineChart({
            title: 'median first response per day, agents and FAQ bot',
            labels: dayLabels,
            series: frtSeries,
            format: (v) => seconds(v),
            max: durationAxisMax(frtSeries.flatMap((s) => s.values)),
          }),
          legend(frtSeries),
        ),
        chartCard(
          'Breaches',
          'Deadlines missed per day (by the day the case was opened).',
          barChart({
            title: 'breaches per day',
            labels: dayLabels,
            series: [{ name: 'breaches', className: 'c-breach', values: zero((p) => p.breaches) }],
          }),
          null,
        ),
        chartCard(
          'Sentiment',
          'Cases per day by the sentiment of the customer’s post.',
          barChart({ title: 'sentiment per day', labels: dayLabels, series: sentiment, stacked: true }),
          legend(sentiment),
        ),
      ),
      h('h2', { class: 'section-title' }, 'By brand and channel'),
      rows.length
        ? h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { class: 'report-table' },
              h(
                'thead',
                null,
                h(
                  'tr',
                  null,
                  [
                    'Brand',
                    'Channel',
                    'Cases',
                    'Answered',
                    'Response rate',
                    'Bot',
                    'FRT p50',
                    'p90',
                    'p95',
                    'Agents p50',
                    'Bot p50',
                    'Breaches',
                    'Negative',
                    'Open',
                  ].map((t, i) => h('th', { class: i >= 2 ? 'num' : '' }, t)),
                ),
              ),
              h(
                'tbody',
                null,
                rows.map((r) => {
                  const bar = h('span', { class: 'rate-bar' });
                  bar.style.width = `${Math.round(r.responseRate * 100)}%`;
                  return h(
                    'tr',
                    null,
                    h('td', null, context.brand(r.brandId)?.name ?? r.brandId),
                    h('td', null, channelName(r.channel)),
                    h('td', { class: 'num' }, String(r.cases)),
                    h('td', { class: 'num' }, String(r.answered)),
                    h(
                      'td',
                      { class: 'rate' },
                      h('span', { class: 'rate-track' }, bar),
                      percent(r.responseRate),
                    ),
                    h('td', { class: 'num' }, String(r.autoAnswered)),
                    h('td', { class: 'num' }, seconds(r.firstResponseSeconds.p50)),
                    h('td', { class: 'num' }, seconds(r.firstResponseSeconds.p90)),
                    h('td', { class: 'num' }, seconds(r.firstResponseSeconds.p95)),
                    h('td', { class: 'num' }, seconds(r.firstResponseByAgents?.p50)),
                    h('td', { class: 'num' }, seconds(r.firstResponseByBot?.p50)),
                    h('td', { class: `num ${r.breaches ? 'bad' : ''}` }, String(r.breaches)),
                    h('td', { class: 'num' }, String(r.negative)),
                    h('td', { class: 'num' }, String(r.open)),
                  );
                }),
              ),
            ),
          )
        : h('div', { class: 'empty' }, 'No cases were opened in this period.'),
    );
  }

  void load();
  const timer = window.setInterval(() => void load(), 60_000);
  return () => {
    stopped = true;
    window.clearInterval(timer);
  };
};
