import { ApiError } from '../api';
import { everySecond } from '../clock';
import type { View } from '../context';
import { type Child, clear, h, safeUrl } from '../dom';
import {
  ago,
  countdown,
  customerLabel,
  DEADLINE_NAMES,
  deadlineState,
  exactly,
  newRequestId,
  PLATFORM_NAMES,
  platformLength,
  replyLimit,
  STATUS_NAMES,
  signedReply,
  when,
} from '../format';
import type {
  Assignee,
  Brand,
  CareCase,
  CaseDetail,
  CaseMessage,
  CaseNote,
  Page,
  QueuedReply,
} from '../types';
import { pageAckControl, pageLevel } from './page-ack';
import { priorityBadge, sentimentBadge } from './queue';

const REFRESH_MS = 5000;
/** How the case's location was found (functions/core/locations.ts). */
const LOCATION_BY: Record<string, string> = {
  review_place: "the review site's place",
  account: 'the page it came to',
  text: 'named in the text',
};
/** While a reply is on its way, the case is read this often until it shows as sent. */
const SENDING_REFRESH_MS = 1000;
const PRESENCE_MS = 10_000;

type Mode = 'public' | 'private' | 'note';

const REASONS: Record<string, string> = {
  agent_reply: 'reply',
  public_note: 'public note',
  faq_answer: 'FAQ answer',
  handoff: 'hand-off',
  out_of_hours: 'out-of-hours acknowledgement',
};

/** Fills a canned reply's placeholders for this customer and agent. */
export function fillTemplate(text: string, values: { customerName: string; agentName: string }): string {
  return text.replace(/\{customerName\}/g, values.customerName).replace(/\{agentName\}/g, values.agentName);
}

/** The audit trail's actions, as an agent reads them. */
const AUDIT_NAMES: Record<string, string> = {
  view: 'opened the case',
  claim: 'claimed',
  assign: 'assigned',
  reply: 'replied publicly',
  private_reply: 'replied privately',
  note: 'added a note',
  tag: 'changed the tags',
  lane: 'moved the case between lanes',
  correction: 'corrected the triage reading',
  resolve: 'resolved',
  abuse_mark: 'marked the customer abusive',
  abuse_unmark: 'lifted the abuse mark',
  identity_link: 'linked an identity',
  crm_id: 'set the CRM id',
  auto_close: 'closed it: no answer from the customer in time',
};

/** What changed between two versions of a case, in words, for the "changed" banner. */
function describeChange(before: CaseDetail, after: CaseDetail, me: string): string {
  const parts: string[] = [];
  const inbound = (d: CaseDetail) => d.messages.filter((m) => m.direction === 'in').length;
  const outbound = (d: CaseDetail) => d.messages.filter((m) => m.direction === 'out').length;
  if (inbound(after) > inbound(before)) parts.push('a new message from the customer');
  if (outbound(after) > outbound(before)) parts.push('a reply was sent');
  if (after.case.assignee !== before.case.assignee)
    parts.push(`assigned to ${after.case.assignee === me ? 'you' : (after.case.assignee ?? 'nobody')}`);
  if (after.case.status !== before.case.status)
    parts.push(`now ${STATUS_NAMES[after.case.status]?.toLowerCase()}`);
  if (after.case.priority !== before.case.priority) parts.push(`priority ${after.case.priority}`);
  if (after.notes.length > before.notes.length) parts.push('a new note');
  if (after.case.deliveryProblem && !before.case.deliveryProblem) parts.push('a delivery problem');
  return parts.join(', ') || 'details changed';
}

/** One case: the thread, the customer, why it is prioritised, and everything an agent does with it. */
export const caseView: View = (root, context, [caseId = '']) => {
  const path = `/api/cases/${encodeURIComponent(caseId)}`;
  let shown: CaseDetail | undefined;
  let pending: CaseDetail | undefined;
  let viewers: string[] = [];
  let conflict: string | undefined;
  let loadError: string | undefined;
  let stopped = false;
  let busy: string | undefined;
  let mode: Mode = 'public';
  let requestId: string | undefined;
  let closeOutRequestId: string | undefined;
  let problems: string[] = [];
  let composerError: string | undefined;
  let workError: string | undefined;
  /** Replies accepted by the API and not yet seen posted on the case: shown as sending. */
  let sending: QueuedReply[] = [];
  let sendingTimer: number | undefined;

  // Inputs live across renders so typing is never interrupted by a refresh.
  const editor = h('textarea', {
    id: 'reply-text',
    class: 'editor',
    rows: 5,
    placeholder: 'Write your reply…',
    'aria-label': 'Reply text',
    oninput: () => {
      problems = [];
      composerError = undefined;
      renderComposer();
    },
  });
  const closeOut = h('textarea', {
    id: 'close-out',
    rows: 3,
    placeholder: 'Optional public close-out, e.g. “Glad we could sort this out. Safe travels!”',
    'aria-label': 'Public close-out',
    oninput: () => renderWork(),
  });
  // The case team's agents, available and least loaded first, each with their load.
  const assignInput = h('select', { id: 'assign-to', 'aria-label': 'Assign to' });
  let assignees: Assignee[] = [];
  async function loadAssignees() {
    if (!context.can('case.assign')) return;
    try {
      const result = await context.api.get<{ team: string | null; agents: Assignee[] }>(`${path}/assignees`);
      assignees = result.agents;
    } catch {
      assignees = [];
    }
    const current = assignInput.value;
    clear(
      assignInput,
      h('option', { value: '' }, assignees.length ? 'Choose an agent…' : 'Nobody on this team'),
      ...assignees.map((a) =>
        h(
          'option',
          { value: a.id, 'data-testid': `assignee-${a.id}` },
          `${a.name} · ${a.status} · ${a.openCases}/${a.capacity} open`,
        ),
      ),
    );
    if (assignees.some((a) => a.id === current)) assignInput.value = current;
  }
  const tagInput = h('input', {
    id: 'tag-input',
    placeholder: 'add a tag',
    'aria-label': 'Add a tag',
    maxlength: 40,
    onkeydown: (event: Event) => {
      if ((event as KeyboardEvent).key === 'Enter') {
        event.preventDefault();
        void addTag();
      }
    },
  });

  const header = h('div', { class: 'case-head' });
  const banners = h('div', { class: 'banner-slot' });
  const thread = h('ol', { class: 'thread', 'aria-label': 'Conversation' });
  const composer = h('section', { class: 'composer card', 'aria-label': 'Reply' });
  const composerDynamic = {
    tabs: h('div', { class: 'tabs', role: 'tablist' }),
    tools: h('div', { class: 'composer-tools' }),
    footer: h('div', { class: 'composer-footer' }),
    problems: h('div', { class: 'problems' }),
  };
  composer.append(
    composerDynamic.tabs,
    composerDynamic.tools,
    editor,
    composerDynamic.problems,
    composerDynamic.footer,
  );
  const side = h('aside', { class: 'case-side' });
  const work = h('section', { class: 'card work', 'aria-label': 'Work this case' });
  const sideCards = h('div');
  const deadlineCard = h('div');
  const auditCard = h('div');
  const tagList = h('div', { class: 'tags' });
  const tagsCard = h(
    'section',
    { class: 'card' },
    h('h2', null, 'Tags'),
    tagList,
    h(
      'div',
      { class: 'row' },
      tagInput,
      h('button', { class: 'btn small', onclick: () => void addTag() }, 'Add'),
    ),
  );
  side.append(work, sideCards, tagsCard, deadlineCard, auditCard);

  clear(
    root,
    header,
    banners,
    h('div', { class: 'case-grid' }, h('div', { class: 'case-main' }, thread, composer), side),
  );
  clear(root.querySelector('.case-head') as HTMLElement, h('p', { class: 'muted' }, 'Loading the case…'));

  const brand = (): Brand | undefined => (shown ? context.brand(shown.case.brandId) : undefined);
  // Every time on the case in the brand's timezone, named.
  const at = (iso: string | undefined) => when(iso, brand()?.timezone);
  const exact = (iso: string | undefined) => exactly(iso, brand()?.timezone);
  const isResolved = () => shown?.case.status === 'resolved';
  /** X refuses this app's public reply to a post found by keyword search: the API says so and why. */
  const publicRefusal = () => (shown?.publicReply?.allowed === false ? shown.publicReply.reason : undefined);
  const hasPublicThread = () =>
    publicRefusal() === undefined &&
    Boolean(shown?.messages.some((m) => m.direction === 'in' && m.visibility === 'public'));
  const draftInProgress = () =>
    editor.value.trim() !== '' || closeOut.value.trim() !== '' || busy !== undefined;

  function apply(detail: CaseDetail) {
    shown = detail;
    void loadAssignees();
    // A queued reply is sent once the case holds it (the sender records what it posted).
    sending = sending.filter(
      (q) =>
        // Past two minutes it is the delivery problem on the case that says where the reply is.
        Date.now() - Date.parse(q.createdAt) < 120_000 &&
        !detail.messages.some(
          (m) => m.direction === 'out' && m.text === q.text && m.createdAt >= q.createdAt.slice(0, 19),
        ),
    );
    scheduleSendingRefresh();
    pending = undefined;
    conflict = undefined;
    viewers = detail.viewers;
    if (mode === 'public' && !hasPublicThread()) mode = 'private';
    render();
  }

  async function load(): Promise<CaseDetail | undefined> {
    try {
      const detail = await context.api.get<CaseDetail>(path);
      loadError = undefined;
      return detail;
    } catch (error) {
      loadError =
        error instanceof ApiError && error.status === 404
          ? `There is no case ${caseId}.`
          : `Cannot load the case: ${(error as Error).message}`;
      return undefined;
    }
  }

  /** Picks up changes made elsewhere: applied at once unless the agent is in the middle of something. */
  async function refresh() {
    const detail = await load();
    if (stopped) return;
    if (!detail) {
      if (!shown) renderHeader();
      renderBanners();
      return;
    }
    viewers = detail.viewers;
    if (!shown || (detail.case.version !== shown.case.version && !draftInProgress() && !conflict))
      apply(detail);
    else if (detail.case.version !== shown.case.version) {
      pending = detail;
      renderBanners();
      renderHeader();
    } else renderHeader();
  }

  /** Reads the case again soon while something is on its way, so the agent sees it sent at once. */
  function scheduleSendingRefresh() {
    window.clearTimeout(sendingTimer);
    if (!sending.length || stopped) return;
    sendingTimer = window.setTimeout(async () => {
      await refresh();
      scheduleSendingRefresh();
    }, SENDING_REFRESH_MS);
  }

  /** After a 409 or when the agent asks: show the newest state, keeping whatever is typed. */
  async function reload() {
    const detail = await load();
    if (detail) apply(detail);
    else renderBanners();
  }

  function handleError(error: unknown, where: 'composer' | 'work'): void {
    const e = error instanceof ApiError ? error : new ApiError(0, { error: String(error) });
    if (e.status === 409) {
      conflict = e.message;
      renderBanners();
      return;
    }
    const message =
      e.status === 422 ? e.message : e.status === 0 ? `${e.message}; nothing was lost, try again` : e.message;
    if (where === 'composer') {
      problems = e.problems.map((p) => p.message);
      composerError = e.status === 422 ? 'Not sent: the reply breaks the brand’s sending rules.' : message;
      renderComposer();
    } else {
      workError = message;
      renderWork();
    }
  }

  async function act(label: string, run: () => Promise<void>, where: 'composer' | 'work' = 'work') {
    if (busy || !shown) return;
    busy = label;
    workError = undefined;
    renderComposer();
    renderWork();
    try {
      await run();
    } catch (error) {
      handleError(error, where);
    } finally {
      busy = undefined;
      if (!stopped) {
        renderComposer();
        renderWork();
      }
    }
  }

  const afterChange = (updated: CareCase, message: string) => {
    if (!shown) return;
    apply({ ...shown, case: updated });
    context.toast(message);
  };

  const claim = () =>
    act('claim', async () => {
      const { case: updated } = await context.api.send<{ case: CareCase }>('POST', `${path}/claim`, {
        version: shown!.case.version,
      });
      afterChange(updated, 'You own this case now.');
    });

  const assign = () =>
    act('assign', async () => {
      const to = assignInput.value.trim();
      if (!to) {
        workError = 'Choose the agent to assign the case to.';
        return;
      }
      const { case: updated } = await context.api.send<{ case: CareCase }>('POST', `${path}/assign`, {
        version: shown!.case.version,
        assignee: to,
      });
      const name = assignees.find((a) => a.id === to)?.name ?? to;
      afterChange(updated, `Assigned to ${name}.`);
      void loadAssignees();
    });

  const moveLane = () =>
    act('lane', async () => {
      const lane = shown!.case.lane === 'no_reply' ? 'reply' : 'no_reply';
      const { case: updated } = await context.api.send<{ case: CareCase }>('PUT', `${path}/lane`, {
        version: shown!.case.version,
        lane,
      });
      afterChange(
        updated,
        lane === 'reply' ? 'Moved to the reply lane: the clock runs.' : 'Moved to no reply needed.',
      );
    });

  /** One click: sentiment, topic or needs-a-reply set to what the agent says; kept as a labelled example. */
  const correct = (correction: { sentiment?: string; topic?: string | null; needsReply?: boolean }) =>
    act('correct', async () => {
      const { case: updated } = await context.api.send<{ case: CareCase }>('PUT', `${path}/correction`, {
        version: shown!.case.version,
        ...correction,
      });
      afterChange(updated, 'Corrected: kept as an example for training.');
    });

  /** The "correct triage" buttons: the current reading pressed, the others one click away. */
  function correctionCard(c: CareCase) {
    if (!context.can('case.correct')) return null;
    const choice = (
      label: string,
      pressed: boolean,
      attributes: Record<string, string>,
      correction: Parameters<typeof correct>[0],
    ) =>
      h(
        'button',
        {
          class: `btn small ${pressed ? 'primary' : 'ghost'}`,
          'aria-pressed': String(pressed),
          disabled: busy !== undefined || isResolved(),
          onclick: () => (pressed ? undefined : void correct(correction)),
          ...attributes,
        },
        label,
      );
    const topics = brand()?.topics ?? [];
    return card(
      'Correct triage',
      h('p', { class: 'muted' }, 'One click fixes the case and teaches the model (kept per brand, audited).'),
      h(
        'div',
        { class: 'row correct-row', role: 'group', 'aria-label': 'Sentiment' },
        ['NEGATIVE', 'NEUTRAL', 'POSITIVE'].map((s) =>
          choice(s.toLowerCase(), c.sentiment === s, { 'data-correct-sentiment': s }, { sentiment: s }),
        ),
      ),
      topics.length
        ? h(
            'div',
            { class: 'row correct-row', role: 'group', 'aria-label': 'Topic' },
            [...topics, ''].map((t) =>
              choice(
                t || 'no topic',
                (c.topic ?? '') === t,
                { 'data-correct-topic': t || 'none' },
                { topic: t || null },
              ),
            ),
          )
        : null,
      h(
        'div',
        { class: 'row correct-row', role: 'group', 'aria-label': 'Needs a reply' },
        choice(
          'needs a reply',
          c.lane !== 'no_reply',
          { 'data-correct-needs': 'true' },
          { needsReply: true },
        ),
        choice(
          'no reply needed',
          c.lane === 'no_reply',
          { 'data-correct-needs': 'false' },
          { needsReply: false },
        ),
      ),
    );
  }

  const saveTags = (tags: string[]) =>
    act('tags', async () => {
      const { case: updated } = await context.api.send<{ case: CareCase }>('PUT', `${path}/tags`, {
        version: shown!.case.version,
        tags,
      });
      afterChange(updated, 'Tags saved.');
    });

  async function addTag() {
    const tag = tagInput.value.trim();
    if (!tag || !shown) return;
    const tags = [...new Set([...(shown.case.tags ?? []), tag])];
    tagInput.value = '';
    await saveTags(tags);
  }

  const send = () =>
    act(
      'send',
      async () => {
        const text = editor.value.trim();
        if (!text) {
          composerError = mode === 'note' ? 'Write the note first.' : 'Write the reply first.';
          return;
        }
        if (mode === 'note') {
          const { notes } = await context.api.send<{ notes: CaseNote[] }>('POST', `${path}/notes`, { text });
          editor.value = '';
          if (shown) apply({ ...shown, notes });
          context.toast('Note added.');
          // Whatever changed meanwhile shows now that the editor is empty.
          void refresh();
          return;
        }
        // One id per draft: a double click or a retry after a network error cannot send twice.
        requestId ??= newRequestId();
        try {
          const result = await context.api.send<{
            case: CareCase;
            outboxIds: string[];
            queued?: QueuedReply[];
          }>('POST', `${path}/reply`, {
            version: shown!.case.version,
            text,
            visibility: mode,
            requestId,
          });
          editor.value = '';
          requestId = undefined;
          problems = [];
          context.toast(
            mode === 'private'
              ? `Sent privately${result.outboxIds.length > 1 ? ', with a public note in the thread' : ''}.`
              : 'Reply sent.',
          );
          // The case as the API saved it, and the reply in the thread as sending until it is posted.
          sending = [...sending, ...(result.queued ?? [])];
          if (shown) apply({ ...shown, case: result.case });
          void refresh();
        } catch (error) {
          // A definite no from the API: the next attempt is a new request. Network errors keep the id.
          if (error instanceof ApiError && error.status >= 400 && error.status < 500) requestId = undefined;
          throw error;
        }
      },
      'composer',
    );

  const resolve = () =>
    act('resolve', async () => {
      const text = closeOut.value.trim();
      if (text) closeOutRequestId ??= newRequestId();
      const send = (version: number) =>
        context.api.send('POST', `${path}/resolve`, {
          version,
          ...(text ? { closeOut: text, requestId: closeOutRequestId } : {}),
        });
      try {
        try {
          await send(shown!.case.version);
        } catch (error) {
          // The case moved on while the agent looked at it. When the customer has not written since (the
          // change was the system's: a reply marked sent, a deadline), resolving what the agent saw is
          // still right: once more on the newest version. A new customer message still stops it (409).
          if (!(error instanceof ApiError && error.status === 409)) throw error;
          const newer = await load();
          if (!newer || newer.case.lastInboundAt !== shown!.case.lastInboundAt) throw error;
          await send(newer.case.version);
        }
      } catch (error) {
        if (error instanceof ApiError && error.status >= 400 && error.status < 500)
          closeOutRequestId = undefined;
        if (error instanceof ApiError && error.status === 422) {
          workError = `Not resolved: ${error.problems.map((p) => p.message).join('; ') || error.message}`;
          return;
        }
        throw error;
      }
      closeOut.value = '';
      closeOutRequestId = undefined;
      context.toast(text ? 'Resolved, with a public close-out.' : 'Resolved.');
      location.hash = '#/queue';
    });

  const markAbuse = (on: boolean) =>
    act('abuse', async () => {
      const customer = shown!.customer;
      const target = `/api/customers/${encodeURIComponent(shown!.case.brandId)}/${customer.platform}/${encodeURIComponent(customer.id)}/abuse`;
      if (on) {
        const note = window.prompt('Why? (kept with the mark; visible to the team)') ?? undefined;
        if (note === undefined) return;
        await context.api.send('PUT', target, note ? { note } : {});
      } else {
        await context.api.send('DELETE', target);
      }
      await reload();
      context.toast(on ? 'Customer marked abusive.' : 'Abuse mark lifted.');
    });

  // ---------------------------------------------------------------------------------------------

  function renderHeader() {
    if (!shown) {
      clear(
        header,
        h('a', { href: '#/queue', class: 'back' }, '← Queue'),
        loadError
          ? h('div', { class: 'banner danger' }, loadError)
          : h('p', { class: 'muted' }, 'Loading the case…'),
      );
      return;
    }
    const c = shown.case;
    const state = deadlineState(c);
    clear(
      header,
      h(
        'div',
        { class: 'case-crumbs' },
        h('a', { href: '#/queue', class: 'back' }, '← Queue'),
        h('span', { class: 'muted mono' }, c.caseId),
        h(
          'span',
          { class: 'muted', title: 'Every change sends this version; a stale one is refused' },
          `version ${c.version}`,
        ),
        viewers.length
          ? h('span', { class: 'presence', 'data-testid': 'presence' }, `Also viewing: ${viewers.join(', ')}`)
          : h('span', { class: 'presence none' }, 'Nobody else is viewing'),
      ),
      h(
        'div',
        { class: 'case-title' },
        h(
          'h1',
          null,
          customerLabel(c.customer),
          c.customer.name && c.customer.handle ? h('span', { class: 'muted name' }, c.customer.name) : null,
        ),
        h(
          'div',
          { class: 'pills' },
          h(
            'span',
            { class: `status st-${c.status}`, 'data-testid': 'case-status' },
            STATUS_NAMES[c.status] ?? c.status,
          ),
          priorityBadge(c.priority),
          sentimentBadge(c.sentiment, c.sentimentTrend),
          c.lane === 'no_reply'
            ? h(
                'span',
                { class: 'pill', 'data-testid': 'case-lane', title: c.laneReason ?? '' },
                'No reply needed',
              )
            : null,
          c.topic ? h('span', { class: 'pill', 'data-testid': 'case-topic' }, `Topic: ${c.topic}`) : null,
          h(
            'span',
            { class: 'pill' },
            `${PLATFORM_NAMES[c.platform]} · ${c.visibility === 'private' ? 'DM' : 'public'}`,
          ),
          c.assignee
            ? h('span', { class: 'pill' }, `Owner: ${c.assignee === context.me.id ? 'you' : c.assignee}`)
            : h('span', { class: 'pill warn' }, 'Unassigned'),
          c.team
            ? h(
                'span',
                {
                  class: 'pill',
                  'data-testid': 'team',
                  title: `${c.routedBy?.rule ? `rule ${c.routedBy.rule}` : 'no rule'}: ${(c.routedBy?.reasons ?? []).join(', ')}${
                    c.assignedBy
                      ? ` · assigned ${c.assignedBy.how === 'sticky' ? 'to the customer’s last agent' : 'automatically'}`
                      : ''
                  }`,
                },
                `Team: ${c.team}`,
              )
            : null,
        ),
        c.nextDeadlineAt
          ? h(
              'div',
              { class: `big-due due-${state}` },
              h('span', { class: 'timer', 'data-due': c.nextDeadlineAt }, countdown(c.nextDeadlineAt).text),
              h(
                'span',
                null,
                `${DEADLINE_NAMES[c.nextDeadlineKind ?? ''] ?? ''} due ${at(c.nextDeadlineAt)}`,
              ),
            )
          : h(
              'div',
              { class: 'big-due due-none' },
              h(
                'span',
                null,
                c.status === 'resolved'
                  ? 'resolved'
                  : c.lane === 'no_reply'
                    ? 'no reply needed: not timed'
                    : 'clock paused',
              ),
            ),
      ),
    );
  }

  function renderBanners() {
    const c = shown?.case;
    clear(
      banners,
      c?.deliveryProblem
        ? h('div', { class: 'banner danger' }, h('strong', null, 'Delivery problem: '), c.deliveryProblem)
        : null,
      publicRefusal()
        ? h(
            'div',
            { class: 'banner warn', 'data-testid': 'listening' },
            h('strong', null, 'Found by keyword search: no public reply from here. '),
            publicRefusal(),
          )
        : null,
      conflict
        ? h(
            'div',
            { class: 'banner warn', role: 'alert', 'data-testid': 'conflict' },
            h('strong', null, 'Not saved. '),
            conflict,
            ' Your text is kept.',
            h('button', { class: 'btn small', onclick: () => void reload() }, 'Reload the case'),
          )
        : null,
      pending && !conflict
        ? h(
            'div',
            { class: 'banner info', role: 'status' },
            `This case changed while you were working (version ${shown?.case.version} → ${pending.case.version}): ${describeChange(shown!, pending, context.me.id)}.`,
            h('button', { class: 'btn small', onclick: () => pending && apply(pending) }, 'Show the changes'),
          )
        : null,
      loadError && shown ? h('div', { class: 'banner danger' }, loadError) : null,
    );
  }

  function whoOf(message: CaseMessage): { who: string; role: string } {
    if (message.direction === 'in') return { who: customerLabel(shown!.customer), role: 'customer' };
    const handleOf = (role: 'bot' | 'care') =>
      brand()?.accounts.find((a) => a.platform === message.platform && a.role === role)?.handle;
    if (message.sentBy === 'bot')
      return { who: `FAQ bot${handleOf('bot') ? ` @${handleOf('bot')}` : ''}`, role: 'bot' };
    if (message.sentBy === 'system' || !message.sentBy)
      return { who: `System${handleOf('care') ? ` via @${handleOf('care')}` : ''}`, role: 'system' };
    return {
      who: `${message.sentBy === context.me.id ? 'You' : message.sentBy}${handleOf('care') ? ` via @${handleOf('care')}` : ''}`,
      role: 'agent',
    };
  }

  function renderThread() {
    if (!shown) return;
    const items: Array<{ at: string; node: HTMLElement }> = [
      ...shown.messages.map((m) => {
        const { who, role } = whoOf(m);
        const url = safeUrl(m.url);
        return {
          at: m.createdAt,
          node: h(
            'li',
            { class: `msg ${m.direction} role-${role}`, 'data-direction': m.direction, 'data-role': role },
            h(
              'div',
              { class: 'msg-head' },
              h('span', { class: 'msg-who' }, who),
              h(
                'span',
                { class: `vis ${m.visibility}` },
                m.visibility === 'private' ? 'private' : 'public',
                ` · ${m.direction === 'out' ? (REASONS[m.reason ?? ''] ?? m.reason?.replace(/_/g, ' ') ?? m.kind) : m.kind}`,
              ),
              m.direction === 'in' && m.sentiment ? sentimentBadge(m.sentiment) : null,
              h('time', { datetime: m.createdAt, title: exact(m.createdAt) }, at(m.createdAt)),
            ),
            h('p', { class: 'msg-text' }, m.text),
            url
              ? h(
                  'a',
                  { href: url, target: '_blank', rel: 'noopener noreferrer', class: 'msg-link' },
                  'open on platform ↗',
                )
              : null,
          ),
        };
      }),
      ...shown.notes.map((n) => ({
        at: n.at,
        node: h(
          'li',
          { class: 'msg note' },
          h(
            'div',
            { class: 'msg-head' },
            h(
              'span',
              { class: 'msg-who' },
              `Internal note · ${n.author === context.me.id ? 'you' : n.author}`,
            ),
            h('time', { datetime: n.at, title: exact(n.at) }, at(n.at)),
          ),
          h('p', { class: 'msg-text' }, n.text),
        ),
      })),
      ...sending.map((q) => ({
        at: q.createdAt,
        node: h(
          'li',
          { class: 'msg out role-agent sending', 'data-direction': 'out', 'data-testid': 'sending' },
          h(
            'div',
            { class: 'msg-head' },
            h('span', { class: 'msg-who' }, 'You'),
            h('span', { class: `vis ${q.visibility}` }, `${q.visibility} · ${REASONS[q.reason] ?? q.reason}`),
            h('span', { class: 'pill info', role: 'status' }, 'sending…'),
            h('time', { datetime: q.createdAt, title: exact(q.createdAt) }, at(q.createdAt)),
          ),
          h('p', { class: 'msg-text' }, q.text),
        ),
      })),
    ].sort((a, b) => a.at.localeCompare(b.at));
    clear(
      thread,
      items.map((i) => i.node),
    );
  }

  function renderComposer() {
    if (!shown) {
      composer.hidden = true;
      return;
    }
    composer.hidden = false;
    const c = shown.case;
    const b = brand();
    const resolved = isResolved();
    const publicOk = hasPublicThread();
    const tab = (value: Mode, label: string, disabled = false, title = '') =>
      h(
        'button',
        {
          class: `tab ${mode === value ? 'active' : ''}`,
          role: 'tab',
          'aria-selected': mode === value ? 'true' : 'false',
          'data-mode': value,
          disabled,
          title,
          onclick: () => {
            mode = value;
            problems = [];
            composerError = undefined;
            renderComposer();
            editor.focus();
          },
        },
        label,
      );
    clear(
      composerDynamic.tabs,
      tab(
        'public',
        'Public reply',
        resolved || !publicOk,
        publicOk ? '' : (publicRefusal() ?? 'The customer wrote privately: reply privately'),
      ),
      tab('private', PLATFORM_NAMES[c.platform] === 'X' ? 'Private (DM)' : 'Private message', resolved),
      tab('note', 'Internal note'),
    );
    if (resolved && mode !== 'note') mode = 'note';

    const canned = b?.agentDesk?.cannedReplies ?? [];
    const fill = (text: string) =>
      fillTemplate(text, {
        customerName: c.customer.name?.split(/\s+/)[0] ?? customerLabel(c.customer),
        agentName: context.me.name.split(/\s+/)[0] ?? context.me.name,
      });
    const insert = (text: string) => {
      const start = editor.selectionStart ?? editor.value.length;
      const end = editor.selectionEnd ?? editor.value.length;
      editor.setRangeText(text, start, end, 'end');
      editor.focus();
      editor.dispatchEvent(new Event('input'));
    };
    clear(
      composerDynamic.tools,
      mode !== 'note'
        ? h(
            'select',
            {
              class: 'canned',
              'aria-label': 'Canned replies',
              disabled: canned.length === 0,
              onchange: (event: Event) => {
                const select = event.target as HTMLSelectElement;
                const chosen = canned.find((r) => r.id === select.value);
                if (chosen) insert(fill(chosen.text));
                select.value = '';
              },
            },
            h(
              'option',
              { value: '' },
              canned.length
                ? `Canned replies (${b?.name ?? c.brandId})…`
                : 'No canned replies for this brand',
            ),
            canned.map((r) => h('option', { value: r.id }, r.title)),
          )
        : null,
      mode !== 'note' && c.suggestedReply
        ? h(
            'button',
            {
              class: 'btn small',
              'data-testid': 'use-suggestion',
              onclick: () => insert(c.suggestedReply ?? ''),
            },
            'Use the FAQ suggestion',
          )
        : null,
    );
    editor.placeholder =
      mode === 'note'
        ? 'Internal note: only the team sees it.'
        : mode === 'private'
          ? 'Private message to the customer…'
          : `Public reply to ${customerLabel(c.customer)}…`;
    editor.classList.toggle('note-mode', mode === 'note');

    const draft = editor.value.trim();
    const posted = mode === 'public' ? signedReply(b, context.me.name, draft, context.me.initials) : draft;
    // The signature the API appends, unless the text already ends with it.
    const suffix = posted.slice(draft.length);
    const limit = replyLimit(c.platform, mode === 'private' ? 'private' : 'public');
    const length = platformLength(posted, c.platform);
    const over = mode !== 'note' && length > limit;
    const lastInboundPublic =
      [...shown.messages].reverse().find((m) => m.direction === 'in')?.visibility === 'public';
    clear(
      composerDynamic.problems,
      composerError ? h('p', { class: 'error-text', role: 'alert' }, composerError) : null,
      problems.length
        ? h(
            'ul',
            { class: 'problem-list', 'data-testid': 'problems' },
            problems.map((p) => h('li', null, p)),
          )
        : null,
    );
    clear(
      composerDynamic.footer,
      mode !== 'note'
        ? h(
            'span',
            {
              class: `counter ${over ? 'over' : ''}`,
              'data-testid': 'counter',
              title: c.platform === 'x' ? 'Links count as 23 characters on X' : '',
            },
            `${length} / ${limit}`,
          )
        : h('span', { class: 'muted' }, 'Only agents see notes.'),
      h(
        'span',
        { class: 'hint' },
        mode === 'public' && suffix ? `Signed “${suffix.trim()}” automatically. ` : null,
        mode === 'private' && lastInboundPublic
          ? `Sent as a DM, and the thread gets: “${b?.agentDesk?.movedToPrivateNote ?? 'a short note that the conversation moved'}”`
          : null,
      ),
      h(
        'button',
        {
          class: 'btn primary',
          'data-testid': 'send',
          disabled: busy !== undefined || over || (resolved && mode !== 'note'),
          onclick: () => void send(),
        },
        busy === 'send'
          ? 'Sending…'
          : mode === 'note'
            ? 'Add note'
            : mode === 'private'
              ? 'Send privately'
              : 'Send reply',
      ),
    );
  }

  // The work card is built once; renders change its texts and states, never move its inputs.
  const workError$ = h('div');
  const claimButton = h(
    'button',
    { class: 'btn', 'data-testid': 'claim', onclick: () => void claim() },
    'Claim',
  );
  const assignButton = h('button', { class: 'btn', onclick: () => void assign() }, 'Assign');
  const laneButton = h('button', { class: 'btn', 'data-testid': 'lane', onclick: () => void moveLane() }, '');
  const closeOutHint = h('span', { class: 'hint' });
  const resolveButton = h(
    'button',
    { class: 'btn success', 'data-testid': 'resolve', onclick: () => void resolve() },
    'Resolve',
  );
  work.append(
    h('h2', null, 'Work this case'),
    workError$,
    h('div', { class: 'row' }, claimButton),
    // Thanks and praise need no answer; a post the system thought needed none may need one after all.
    ...(context.can('case.lane') ? [h('div', { class: 'row' }, laneButton)] : []),
    // Only supervisors assign (the API refuses others too).
    ...(context.can('case.assign') ? [h('div', { class: 'row' }, assignInput, assignButton)] : []),
    h('label', { for: 'close-out', class: 'small-label' }, 'Resolve, optionally with a public close-out'),
    closeOut,
    closeOutHint,
    resolveButton,
  );

  function renderWork() {
    if (!shown) {
      work.hidden = true;
      return;
    }
    work.hidden = false;
    const c = shown.case;
    const mine = c.assignee === context.me.id;
    const resolved = isResolved();
    clear(workError$, workError ? h('p', { class: 'error-text', role: 'alert' }, workError) : null);
    claimButton.disabled = mine || resolved || busy !== undefined;
    claimButton.className = `btn ${mine ? '' : 'primary'}`;
    claimButton.textContent =
      busy === 'claim' ? 'Claiming…' : mine ? 'Yours' : c.assignee ? `Take over from ${c.assignee}` : 'Claim';
    assignButton.disabled = resolved || busy !== undefined;
    laneButton.disabled = resolved || busy !== undefined;
    laneButton.textContent =
      busy === 'lane' ? 'Moving…' : c.lane === 'no_reply' ? 'Needs a reply after all' : 'No reply needed';
    laneButton.title =
      c.lane === 'no_reply'
        ? 'Move to the reply lane: deadlines start now'
        : 'Move to the no-reply lane: no deadline, no pages';
    assignInput.disabled = resolved;
    closeOut.disabled = resolved;
    const text = closeOut.value.trim();
    closeOutHint.textContent = text
      ? `${platformLength(signedReply(brand(), context.me.name, text, context.me.initials), c.platform)} / ${replyLimit(c.platform, 'public')} · posted publicly in the customer’s thread`
      : '';
    resolveButton.disabled = resolved || busy !== undefined;
    resolveButton.textContent = resolved
      ? 'Resolved'
      : busy === 'resolve'
        ? 'Resolving…'
        : text
          ? 'Resolve with close-out'
          : 'Resolve';
  }

  function card(title: string, ...children: Child[]) {
    return h('section', { class: 'card' }, h('h2', null, title), ...children);
  }

  function kv(rows: Array<[string, Child]>) {
    return h(
      'dl',
      { class: 'kv' },
      rows
        .filter(([, v]) => v !== null && v !== undefined && v !== '')
        .map(([k, v]) => [h('dt', null, k), h('dd', null, v)]),
    );
  }

  /** What on-call was paged about on this case: a risky post at once, deadline warnings, breaches. */
  function pagesCard(pages: Page[]) {
    return h(
      'section',
      { class: 'card', 'data-testid': 'case-pages' },
      h('h2', null, 'On-call pages'),
      pages.length
        ? h(
            'ol',
            { class: 'case-pages' },
            pages.map((p) =>
              h(
                'li',
                null,
                h('span', { class: `sev sev-${p.severity}` }, p.severity),
                ` ${p.kind.replace(/_/g, ' ')} `,
                h('time', { datetime: p.createdAt, title: exact(p.createdAt) }, at(p.createdAt)),
                ' ',
                pageLevel(p),
                ' ',
                pageAckControl(p, context, () => void reload()),
              ),
            ),
          )
        : h('p', { class: 'muted' }, 'On-call was not paged about this case.'),
    );
  }

  function renderSide() {
    if (!shown) return;
    const c = shown.case;
    const customer = shown.customer;
    const scores: Partial<CareCase['sentimentScores']> = c.sentimentScores ?? {};
    const steps = c.slaHistory ?? [];
    clear(
      sideCards,
      c.suggestedReply
        ? card(
            'FAQ suggestion',
            h('p', { class: 'suggestion' }, c.suggestedReply),
            h(
              'button',
              {
                class: 'btn small',
                onclick: () => {
                  if (mode === 'note') mode = hasPublicThread() ? 'public' : 'private';
                  editor.value = c.suggestedReply ?? '';
                  editor.dispatchEvent(new Event('input'));
                  editor.focus();
                },
              },
              'Put it in the editor',
            ),
          )
        : null,
      card(
        'Why this priority',
        h('div', { class: 'pills' }, priorityBadge(c.priority), sentimentBadge(c.sentiment)),
        c.priorityReasons.length
          ? h(
              'ul',
              { class: 'reasons' },
              c.priorityReasons.map((r) => h('li', null, r)),
            )
          : h('p', { class: 'muted' }, 'No special reason: the default priority.'),
        c.risks.length
          ? h('p', { class: 'risk-line' }, h('strong', null, 'Risks: '), c.risks.join(', '))
          : null,
        Object.keys(scores).length
          ? h(
              'div',
              { class: 'scores' },
              ['NEGATIVE', 'MIXED', 'NEUTRAL', 'POSITIVE'].map((label) => {
                const share = scores[label.toLowerCase() as keyof typeof scores] ?? 0;
                const bar = h('span', { class: `bar s-${label.toLowerCase()}` });
                bar.style.width = `${Math.round(share * 100)}%`;
                return h(
                  'div',
                  { class: 'score' },
                  h('span', null, label.toLowerCase()),
                  h('span', { class: 'track' }, bar),
                  h('span', { class: 'num' }, `${Math.round(share * 100)}%`),
                );
              }),
            )
          : null,
        kv([
          ['Intent', c.intent ?? 'none detected'],
          ['Location', c.location ? `${c.location} (${LOCATION_BY[c.locationBy ?? 'text']})` : 'none'],
          ['Topic', c.topic ?? 'none found'],
          [
            'Lane',
            c.lane === 'no_reply'
              ? `no reply needed${c.laneReason ? ` (${c.laneReason})` : ''}`
              : `needs a reply${c.laneReason ? ` (${c.laneReason})` : ''}`,
          ],
          ['Triage', c.action?.replace(/_/g, ' ') ?? ''],
          ['Bot declined', c.botDeclined ?? ''],
          ['Sentiment by', c.sentimentSource ?? ''],
          ['Recent readings', (c.recentReadings ?? []).map((r) => r.label.toLowerCase()).join(' → ')],
          ['Trend', c.sentimentTrend ?? ''],
        ]),
      ),
      correctionCard(c),
      card(
        'Customer',
        kv([
          ['Name', customer.name ?? ''],
          ['Handle', customer.handle ? `@${customer.handle}` : ''],
          ['Channel', `${PLATFORM_NAMES[customer.platform]} · id ${customer.id}`],
          ['Cases with us', String(customer.caseCount)],
        ]),
        customer.abusive
          ? h(
              'div',
              { class: 'banner warn compact' },
              `Marked abusive by ${customer.abusive.by} ${at(customer.abusive.at)}${customer.abusive.note ? `: ${customer.abusive.note}` : ''}`,
              context.can('customer.abuse')
                ? h('button', { class: 'btn small', onclick: () => void markAbuse(false) }, 'Lift the mark')
                : null,
            )
          : null,
        customer.cases.length
          ? h(
              'ul',
              { class: 'history' },
              [...customer.cases]
                .reverse()
                .map((e) =>
                  h(
                    'li',
                    null,
                    h('a', { href: `#/cases/${encodeURIComponent(e.caseId)}` }, e.subject || e.caseId),
                    h(
                      'span',
                      { class: 'muted' },
                      ` ${STATUS_NAMES[e.status] ?? e.status} · ${PLATFORM_NAMES[e.platform]} · ${at(e.openedAt)}`,
                    ),
                  ),
                ),
            )
          : h('p', { class: 'muted' }, 'No earlier cases.'),
        customer.abusive || !context.can('customer.abuse')
          ? null
          : h(
              'button',
              { class: 'btn ghost small', onclick: () => void markAbuse(true) },
              'Mark as abusive…',
            ),
      ),
    );
    clear(
      deadlineCard,
      card(
        'Deadlines',
        kv([
          ['Opened', h('span', { title: exact(c.openedAt) }, `${at(c.openedAt)} (${ago(c.openedAt)})`)],
          ['First response due', c.firstResponseDueAt ? at(c.firstResponseDueAt) : ''],
          [
            'First responded',
            c.firstRespondedAt ? at(c.firstRespondedAt) : c.status === 'resolved' ? '' : 'not yet',
          ],
          ['Next response due', c.nextResponseDueAt ? at(c.nextResponseDueAt) : ''],
          ['Resolution due', c.resolutionDueAt ? at(c.resolutionDueAt) : ''],
          ['Paused since', c.pausedAt ? at(c.pausedAt) : ''],
          ['Resolved', c.resolvedAt ? `${at(c.resolvedAt)} by ${c.resolvedBy ?? '?'}` : ''],
        ]),
        steps.length
          ? h(
              'ol',
              { class: 'sla-history' },
              steps.map((s) =>
                h(
                  'li',
                  null,
                  h('span', { class: `step step-${s.step}` }, s.step),
                  ` ${DEADLINE_NAMES[s.kind] ?? s.kind} (due ${at(s.dueAt)}) `,
                  h('time', { title: exact(s.at) }, at(s.at)),
                ),
              ),
            )
          : h('p', { class: 'muted' }, 'No deadline warning or breach on this case.'),
      ),
      pagesCard(shown.pages ?? []),
    );
    clear(
      auditCard,
      card(
        'Who did what',
        shown.audit?.length
          ? h(
              'ol',
              // A long trail scrolls: the keyboard must reach it too (focusable, named).
              { class: 'audit-trail', 'data-testid': 'audit', tabindex: '0', 'aria-label': 'Who did what' },
              shown.audit.map((e) =>
                h(
                  'li',
                  null,
                  h('time', { title: exactly(e.at, brand()?.timezone) }, at(e.at)),
                  ` ${e.agentId === context.me.id ? 'You' : e.agentName} · ${AUDIT_NAMES[e.action] ?? e.action}`,
                  e.caseVersion ? h('span', { class: 'muted' }, ` (v${e.caseVersion})`) : null,
                ),
              ),
            )
          : h('p', { class: 'muted' }, 'Nothing done on this case yet.'),
      ),
    );
    clear(
      tagList,
      (c.tags ?? []).map((t) =>
        h(
          'span',
          { class: 'tag' },
          t,
          h(
            'button',
            {
              class: 'tag-x',
              'aria-label': `Remove tag ${t}`,
              onclick: () => void saveTags((c.tags ?? []).filter((x) => x !== t)),
            },
            '×',
          ),
        ),
      ),
      (c.tags ?? []).length ? null : h('span', { class: 'muted' }, 'No tags.'),
    );
  }

  function render() {
    renderHeader();
    renderBanners();
    renderThread();
    renderComposer();
    renderWork();
    renderSide();
  }

  function tick() {
    for (const cell of header.querySelectorAll<HTMLElement>('.timer')) {
      const { text } = countdown(cell.dataset.due || undefined);
      if (cell.textContent !== text) cell.textContent = text;
      if (shown) (cell.parentElement as HTMLElement).className = `big-due due-${deadlineState(shown.case)}`;
    }
  }

  async function touchPresence() {
    try {
      const result = await context.api.send<{ viewers: string[] }>('POST', `${path}/presence`);
      if (stopped) return;
      viewers = result.viewers;
      renderHeader();
    } catch {
      // Presence is a courtesy; the next refresh tries again.
    }
  }

  const stopTicking = everySecond(tick);
  const refreshTimer = window.setInterval(() => void refresh(), REFRESH_MS);
  const presenceTimer = window.setInterval(() => void touchPresence(), PRESENCE_MS);
  void refresh();
  return () => {
    stopped = true;
    stopTicking();
    window.clearInterval(refreshTimer);
    window.clearInterval(presenceTimer);
    window.clearTimeout(sendingTimer);
  };
};
