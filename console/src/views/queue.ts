import { ApiError } from '../api';
import { everySecond, syncClock } from '../clock';
import type { View } from '../context';
import { clear, h } from '../dom';
import {
  ago,
  countdown,
  customerLabel,
  DEADLINE_NAMES,
  deadlineState,
  exactly,
  PLATFORM_NAMES,
  STATUS_NAMES,
} from '../format';
import type { CareCase, QueueCounts } from '../types';

const POLL_MS = 4000;
const NEW_FOR_MS = 60_000;
const FILTERS_KEY = 'socialcare.queueFilters';

interface Filters {
  brand: string;
  platform: string;
  status: string;
  /** '' any, 'none' unassigned, 'mine', or an agent id. */
  assignee: string;
  sentiment: string;
  /** '' any, 'none' without a location, or a location code. */
  location: string;
  /** A brand topic, 'none' for cases without one, '' any. */
  topic: string;
  /** 'reply' (owed an answer), 'no_reply' (nothing to answer), '' both. */
  lane: string;
  breached: boolean;
}

const NO_FILTERS: Filters = {
  brand: '',
  platform: '',
  status: '',
  assignee: '',
  sentiment: '',
  location: '',
  topic: '',
  lane: 'reply',
  breached: false,
};

// Across visits of the queue in this tab: which cases were already on screen, and since when new.
const seen = new Set<string>();
const newSince = new Map<string, number>();
let primed = false;

function loadFilters(): Filters {
  try {
    return { ...NO_FILTERS, ...(JSON.parse(localStorage.getItem(FILTERS_KEY) ?? '{}') as Partial<Filters>) };
  } catch {
    return { ...NO_FILTERS };
  }
}

/** The case's sentiment (its worst recent reading) and, when it moves, which way. */
export function sentimentBadge(sentiment: string, trend?: string) {
  return h(
    'span',
    { class: `sentiment s-${sentiment.toLowerCase()}`, 'data-trend': trend ?? '' },
    sentiment.toLowerCase(),
    trend === 'improving' ? ' · improving' : trend === 'worsening' ? ' · worsening' : null,
  );
}

export function priorityBadge(priority: string) {
  return h('span', { class: `prio p-${priority}` }, priority);
}

/** The queue: open cases by deadline then priority, live countdowns, filters, counts; polled. */
export const queueView: View = (root, context) => {
  let filters = loadFilters();
  let cases: CareCase[] = [];
  let counts: QueueCounts | undefined;
  let loadedAt = 0;
  let error: string | undefined;
  let stopped = false;
  let timer: number | undefined;

  const select = (key: keyof Filters, label: string, options: Array<[string, string]>) =>
    h(
      'label',
      { class: 'filter' },
      h('span', null, label),
      h(
        'select',
        {
          'data-filter': key,
          onchange: (event: Event) => {
            filters = { ...filters, [key]: (event.target as HTMLSelectElement).value };
            saveAndReload();
          },
        },
        options.map(([value, text]) =>
          h('option', { value, selected: String(filters[key]) === value }, text),
        ),
      ),
    );

  // The locations of the brands the agent works for, once each (a local manager sees only theirs anyway).
  const locationOptions = [
    ...new Map(
      context.brands.flatMap((b) => b.locations ?? []).map((l) => [l.code, `${l.name} (${l.code})`]),
    ),
  ];

  const breachedBox = h('input', {
    type: 'checkbox',
    'data-filter': 'breached',
    checked: filters.breached,
    onchange: (event: Event) => {
      filters = { ...filters, breached: (event.target as HTMLInputElement).checked };
      saveAndReload();
    },
  });

  const filterBar = h(
    'div',
    { class: 'filters' },
    context.brands.length > 1
      ? select('brand', 'Brand', [
          ['', 'All brands'],
          ...context.brands.map((b): [string, string] => [b.id, b.name]),
        ])
      : null,
    select('platform', 'Channel', [['', 'All channels'], ...Object.entries(PLATFORM_NAMES)]),
    select('status', 'Status', [
      ['', 'Open + waiting'],
      ['open', 'Open'],
      ['waiting_on_customer', 'Waiting on customer'],
    ]),
    select('assignee', 'Assignee', [
      ['', 'Anyone'],
      ['none', 'Unassigned'],
      ['mine', `Mine (${context.me.name})`],
    ]),
    select('sentiment', 'Sentiment', [
      ['', 'Any sentiment'],
      ['NEGATIVE', 'Negative'],
      ['MIXED', 'Mixed'],
      ['NEUTRAL', 'Neutral'],
      ['POSITIVE', 'Positive'],
    ]),
    locationOptions.length
      ? select('location', 'Location', [['', 'Any location'], ['none', 'No location'], ...locationOptions])
      : null,
    select('topic', 'Topic', [
      ['', 'Any topic'],
      ...[...new Set(context.brands.flatMap((b) => b.topics ?? []))].map((t): [string, string] => [t, t]),
      ['none', 'No topic'],
    ]),
    h('label', { class: 'filter check' }, breachedBox, h('span', null, 'Breached only')),
    h(
      'button',
      {
        class: 'btn ghost small',
        onclick: () => {
          filters = { ...NO_FILTERS, lane: filters.lane };
          for (const el of filterBar.querySelectorAll<HTMLSelectElement>('select')) el.value = '';
          breachedBox.checked = false;
          saveAndReload();
        },
      },
      'Clear filters',
    ),
  );

  // The lanes: cases owed an answer (timed), cases with nothing to answer (never timed), or both.
  const laneTabs = h('div', { class: 'tabs lane-tabs', role: 'tablist', 'aria-label': 'Lanes' });
  const countsBar = h('div', { class: 'counts' });
  const status = h('div', { class: 'queue-status muted' });
  const banner = h('div', { class: 'banner-slot' });
  const body = h('tbody');
  const table = h(
    'table',
    { class: 'queue', 'aria-label': 'Open cases' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { class: 'col-due' }, 'Due in'),
        h('th', null, 'Priority'),
        h('th', null, 'Customer'),
        h('th', { class: 'col-subject' }, 'Message'),
        h('th', null, 'Sentiment'),
        h('th', null, 'Status'),
        h('th', null, 'Assignee'),
        context.brands.length > 1 ? h('th', null, 'Brand') : null,
        h('th', null, 'Opened'),
      ),
    ),
    body,
  );
  const empty = h('div', { class: 'empty', hidden: true });

  clear(
    root,
    h('div', { class: 'page-head' }, h('h1', null, 'Queue'), status),
    laneTabs,
    countsBar,
    filterBar,
    banner,
    h('div', { class: 'table-wrap' }, table, empty),
  );

  function saveAndReload() {
    localStorage.setItem(FILTERS_KEY, JSON.stringify(filters));
    void load();
  }

  function countButton(label: string, value: number | undefined, apply: Partial<Filters>, tone = '') {
    const active = Object.entries(apply).every(([k, v]) => filters[k as keyof Filters] === v);
    return h(
      'button',
      {
        class: `count ${tone} ${active ? 'active' : ''}`,
        'data-count': Object.keys(apply).join(','),
        onclick: () => {
          filters = active
            ? {
                ...filters,
                ...Object.fromEntries(Object.keys(apply).map((k) => [k, NO_FILTERS[k as keyof Filters]])),
              }
            : { ...filters, ...apply };
          for (const el of filterBar.querySelectorAll<HTMLSelectElement>('select')) {
            el.value = String(filters[el.dataset.filter as keyof Filters] ?? '');
          }
          breachedBox.checked = filters.breached;
          saveAndReload();
        },
      },
      h('strong', null, value === undefined ? '–' : String(value)),
      h('span', null, label),
    );
  }

  function renderLanes() {
    const tab = (lane: string, label: string, count: number | undefined) =>
      h(
        'button',
        {
          class: `tab ${filters.lane === lane ? 'active' : ''}`,
          role: 'tab',
          'aria-selected': String(filters.lane === lane),
          'data-lane': lane || 'all',
          onclick: () => {
            filters = { ...filters, lane };
            saveAndReload();
          },
        },
        count === undefined ? label : `${label} (${count})`,
      );
    clear(
      laneTabs,
      tab('reply', 'Needs a reply', counts?.reply),
      tab('no_reply', 'No reply needed', counts?.no_reply),
      tab('', 'All', counts ? (counts.reply ?? 0) + (counts.no_reply ?? 0) : undefined),
    );
  }

  function renderCounts() {
    renderLanes();
    clear(
      countsBar,
      countButton('open', counts?.open, { status: 'open' }),
      countButton('waiting on customer', counts?.waiting_on_customer, { status: 'waiting_on_customer' }),
      countButton('unassigned', counts?.unassigned, { assignee: 'none' }),
      countButton('breached', counts?.breached, { breached: true }, counts?.breached ? 'danger' : ''),
      countButton('mine', cases.filter((c) => c.assignee === context.me.id).length, { assignee: 'mine' }),
    );
    // The "mine" count is of the cases listed; the others cover every open case of the brands.
    countsBar.lastElementChild?.setAttribute('title', 'Assigned to you, among the cases listed');
  }

  function dueCell(careCase: CareCase) {
    const state = deadlineState(careCase);
    const { text } = countdown(careCase.nextDeadlineAt);
    return h(
      'td',
      { class: `due due-${state}`, 'data-case': careCase.caseId },
      h('span', { class: 'timer', 'data-due': careCase.nextDeadlineAt ?? '' }, text),
      h(
        'span',
        { class: 'due-kind' },
        careCase.nextDeadlineAt
          ? (DEADLINE_NAMES[careCase.nextDeadlineKind ?? ''] ?? careCase.nextDeadlineKind)
          : careCase.status === 'waiting_on_customer'
            ? 'paused'
            : '',
      ),
    );
  }

  function row(careCase: CareCase) {
    const href = `#/cases/${encodeURIComponent(careCase.caseId)}`;
    const brand = context.brand(careCase.brandId);
    const fresh = (newSince.get(careCase.caseId) ?? 0) > Date.now() - NEW_FOR_MS;
    return h(
      'tr',
      {
        class: `case-row ${fresh ? 'is-new' : ''} ${careCase.assignee === context.me.id ? 'is-mine' : ''}`,
        'data-case-id': careCase.caseId,
        onclick: (event: Event) => {
          if ((event.target as HTMLElement).closest('a')) return;
          location.hash = href;
        },
      },
      dueCell(careCase),
      h('td', null, priorityBadge(careCase.priority)),
      h(
        'td',
        { class: 'customer-cell' },
        h('span', { class: 'who' }, customerLabel(careCase.customer)),
        h(
          'span',
          { class: 'channel' },
          `${PLATFORM_NAMES[careCase.platform] ?? careCase.platform} · ${careCase.visibility === 'private' ? 'DM' : 'public'}`,
        ),
        careCase.location
          ? h('span', { class: 'channel location', title: 'Location' }, careCase.location)
          : null,
      ),
      h(
        'td',
        { class: 'col-subject' },
        fresh ? h('span', { class: 'new-pill' }, 'new') : null,
        // The customer's latest words: what the agent has to answer now.
        h('a', { href, class: 'subject' }, careCase.latestText ?? careCase.subject ?? '(no text)'),
        careCase.messageCount > 1
          ? h(
              'span',
              { class: 'msg-count', title: `First message: ${careCase.subject}` },
              `${careCase.messageCount} messages`,
            )
          : null,
        h(
          'span',
          { class: 'flags' },
          careCase.risks.length
            ? h('span', { class: 'flag risk', title: careCase.risks.join(', ') }, 'risk')
            : null,
          careCase.deliveryProblem
            ? h('span', { class: 'flag danger', title: careCase.deliveryProblem }, 'delivery problem')
            : null,
          careCase.suggestedReply ? h('span', { class: 'flag info' }, 'suggestion') : null,
          careCase.lane === 'no_reply' && filters.lane !== 'no_reply'
            ? h('span', { class: 'flag', title: careCase.laneReason ?? '' }, 'no reply needed')
            : null,
          careCase.topic
            ? h('span', { class: 'tag topic', 'data-topic': careCase.topic }, careCase.topic)
            : null,
          (careCase.tags ?? []).map((t) => h('span', { class: 'tag' }, t)),
        ),
      ),
      h('td', null, sentimentBadge(careCase.sentiment, careCase.sentimentTrend)),
      h(
        'td',
        null,
        h(
          'span',
          { class: `status st-${careCase.status}` },
          STATUS_NAMES[careCase.status] ?? careCase.status,
        ),
      ),
      h(
        'td',
        { class: careCase.assignee ? '' : 'muted' },
        careCase.assignee ? (careCase.assignee === context.me.id ? 'you' : careCase.assignee) : 'unassigned',
      ),
      context.brands.length > 1 ? h('td', null, brand?.name ?? careCase.brandId) : null,
      h(
        'td',
        { class: 'muted nowrap', title: exactly(careCase.openedAt, brand?.timezone) },
        ago(careCase.openedAt),
      ),
    );
  }

  function render() {
    renderCounts();
    clear(body, cases.map(row));
    empty.hidden = cases.length > 0 || !loadedAt;
    clear(
      empty,
      Object.values({ ...filters, lane: '', breached: filters.breached || '' }).some(Boolean)
        ? 'No cases match these filters.'
        : filters.lane === 'no_reply'
          ? 'Nothing here: thanks, praise and bare mentions land here, recorded and never timed.'
          : 'The queue is empty: every customer has an answer. New posts appear here by themselves.',
    );
    clear(
      banner,
      error
        ? h(
            'div',
            { class: 'banner danger' },
            `Cannot refresh the queue: ${error}. Retrying every few seconds.`,
          )
        : null,
    );
    tick();
  }

  function tick() {
    for (const cell of body.querySelectorAll<HTMLElement>('.timer')) {
      const { text } = countdown(cell.dataset.due || undefined);
      if (cell.textContent !== text) cell.textContent = text;
      const careCase = cases.find((c) => c.caseId === cell.closest('tr')?.dataset.caseId);
      if (careCase) {
        const td = cell.parentElement as HTMLElement;
        td.className = `due due-${deadlineState(careCase)}`;
      }
    }
    status.textContent = loadedAt
      ? `updated ${ago(new Date(loadedAt).toISOString())} · refreshes every ${POLL_MS / 1000}s`
      : 'loading…';
    for (const tr of body.querySelectorAll<HTMLElement>('tr.is-new')) {
      if ((newSince.get(tr.dataset.caseId ?? '') ?? 0) <= Date.now() - NEW_FOR_MS)
        tr.classList.remove('is-new');
    }
  }

  async function load() {
    window.clearTimeout(timer);
    try {
      const assignee = filters.assignee === 'mine' ? context.me.id : filters.assignee;
      const result = await context.api.get<{ cases: CareCase[]; counts: QueueCounts; now: string }>(
        '/api/cases',
        {
          limit: '200',
          brand: filters.brand,
          platform: filters.platform,
          status: filters.status,
          assignee,
          sentiment: filters.sentiment,
          location: filters.location,
          topic: filters.topic,
          lane: filters.lane,
          breached: filters.breached ? 'true' : undefined,
        },
      );
      if (stopped) return;
      syncClock(result.now);
      for (const c of result.cases) {
        if (!seen.has(c.caseId)) {
          seen.add(c.caseId);
          if (primed) newSince.set(c.caseId, Date.now());
        }
      }
      primed = true;
      cases = result.cases;
      counts = result.counts;
      loadedAt = Date.now();
      error = undefined;
      context.setQueueCount(counts.open);
      const fresh = cases.filter((c) => (newSince.get(c.caseId) ?? 0) > Date.now() - NEW_FOR_MS).length;
      document.title = `${fresh ? `(${fresh} new) ` : ''}Queue · socialcare`;
    } catch (e) {
      error = e instanceof ApiError ? e.message : String(e);
    }
    if (stopped) return;
    render();
    timer = window.setTimeout(() => void load(), POLL_MS);
  }

  const stopTicking = everySecond(tick);
  void load();
  return () => {
    stopped = true;
    window.clearTimeout(timer);
    stopTicking();
    document.title = 'socialcare · agent console';
  };
};
