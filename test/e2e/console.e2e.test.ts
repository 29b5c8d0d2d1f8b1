import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from '@jest/globals';
import type { Page } from 'playwright-core';
import { type LocalSystem, startLocalSystem } from '../../functions/local-runtime/runtime';
import { demoConfig, twoBrandConfig } from '../helpers';
import { API_TOKEN, postX, waitFor, X_SECRET } from '../integration/support';
import {
  axeViolations,
  chromiumMissing,
  describeViolations,
  launchChromium,
  MORNING,
  mention,
} from './support';

// The agent console in headless Chromium (Debian's package, driven by playwright-core) against the
// whole local system: a signed mention arrives in the queue without a reload, the agent opens it,
// claims it, meets a conflicting change, replies, sees the reply at the platform stand-in and on the
// case, resolves it, and the case leaves the queue. Screenshots go to docs/.

/**
 * Screenshots go to the OS temp dir; `SOCIALCARE_SCREENSHOTS=docs npm run test:e2e` refreshes the
 * ones committed under docs/ (a test run never dirties the work tree).
 */
const DOCS =
  process.env.SOCIALCARE_SCREENSHOTS === 'docs'
    ? fileURLToPath(new URL('../../docs/', import.meta.url))
    : `${join(tmpdir(), 'socialcare-screenshots')}/`;
const TWEET = '1890000000000000001';
const CASE_ID = `x-${TWEET}`;
const REPLY =
  "Hi Jordan, I'm so sorry about KL1003. I've rebooked you on tomorrow's 07:15 flight and sent the details by e-mail.";
const CLOSE_OUT = 'Glad we could get you home. Safe travels!';

/** The demo brand with canned replies and initials under public replies, as a brand would set them. */
function withAgentDesk(config: ReturnType<typeof demoConfig>) {
  const [brand] = config.brands;
  brand!.agentDesk = {
    ...brand!.agentDesk,
    signature: 'initials',
    cannedReplies: [
      {
        id: 'cancelled-flight',
        title: 'Cancelled flight: we are on it',
        text: "Hi {customerName}, I'm so sorry your flight was cancelled. I'm {agentName} and I'm looking at your options now.",
      },
    ],
  };
  return config;
}

/** Each agent's own token, by agent id (created by the administrator of API_TOKEN). */
const tokens: Record<string, string> = {};

async function addAgents(
  system: LocalSystem,
  agents: Array<[id: string, name: string, role: string, brand: string]>,
) {
  for (const [id, name, role, brand] of agents) {
    const response = await fetch(`${system.url}/api/agents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id, name, role, brands: [brand] }),
    });
    assert.equal(response.status, 201);
    tokens[id] = String(((await response.json()) as { token: string }).token);
  }
}

async function api(system: LocalSystem, method: string, path: string, agent: string, body?: unknown) {
  const response = await fetch(`${system.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${tokens[agent]}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function caseVersion(system: LocalSystem): Promise<number> {
  const { body } = await api(system, 'GET', `/api/cases/${CASE_ID}`, 'ben');
  return (body.case as { version: number }).version;
}

async function screenshot(page: Page, name: string, fullPage = false) {
  mkdirSync(DOCS, { recursive: true });
  // Toasts and focus rings are moments, not the page.
  await page.evaluate(
    "for (const toast of document.querySelectorAll('.toast')) toast.remove(); document.activeElement?.blur(); window.scrollTo(0, 0);",
  );
  await page.screenshot({ path: `${DOCS}${name}`, fullPage });
}

/**
 * axe-core's WCAG 2 A/AA rules on the view as it is now (colour contrast, names, roles); what it
 * finds is collected per view and asserted empty at the end, so one run lists every view's problems.
 */
const inaccessible: string[] = [];
async function checkAccessible(page: Page, view: string) {
  const violations = await axeViolations(page);
  if (violations.length) inaccessible.push(`${view}:\n${describeViolations(violations)}`);
}

const missing = chromiumMissing();
// CI installs Debian's Chromium (.ci/run): there a missing browser is a failure, never a quiet skip.
if (missing && process.env.CI) throw new Error(`CI needs Chromium for the console test: ${missing}`);

(missing ? test.skip : test)(
  'an agent works a new mention end to end in the console',
  async () => {
    let system: LocalSystem | undefined;
    let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
    try {
      system = await startLocalSystem({
        brandConfig: withAgentDesk(demoConfig()),
        port: 0,
        apiToken: API_TOKEN,
        xConsumerSecret: X_SECRET,
        visibilityTimeoutSeconds: 1,
      });
      const local = system;
      // Sam and Ben lead the shift (they assign and see reports); Ana works cases.
      await addAgents(local, [
        ['sam', 'sam', 'supervisor', 'demoair'],
        ['ben', 'ben', 'supervisor', 'demoair'],
        ['ana', 'ana', 'agent', 'demoair'],
      ]);
      // A morning's posts already waiting, and one the FAQ bot answers (it shows in the reports).
      for (const post of MORNING) assert.equal((await postX(local.url, mention(post))).status, 200);
      await postX(
        local.url,
        mention({
          id: '1870000000000000110',
          author: '7110',
          handle: 'fareseeker',
          name: 'Fare Seeker',
          text: '@DemoAirFares how much is a return from Amsterdam to London',
          to: '4000002',
        }),
      );
      await waitFor(
        'the morning in the queue',
        async () => {
          const { body } = await api(local, 'GET', '/api/cases', 'ben');
          return (body.cases as unknown[]).length >= MORNING.length ? true : undefined;
        },
        90_000,
      );
      // The bot's answer posted (its case resolved, out of the queue) before the agent looks.
      await waitFor(
        'the FAQ bot to answer',
        async () => {
          const { body } = await api(local, 'GET', '/api/cases/x-1870000000000000110', 'ben');
          return (body.case as { status?: string } | undefined)?.status === 'resolved' ? true : undefined;
        },
        120_000, // the answer goes through triage, the outbox and the sender: minutes on a busy machine
      );
      // Priya writes again: the queue shows her latest words, not her first post.
      const refund = 'x-1870000000000000105';
      await postX(
        local.url,
        mention({
          id: '1870000000000000106',
          author: '7105',
          handle: 'priya_s',
          name: 'Priya Sharma',
          text: '@DemoAir still nothing. Who do I call about the refund?',
        }),
      );
      await waitFor(
        'the follow-up on its case',
        async () => {
          const { body } = await api(local, 'GET', `/api/cases/${refund}`, 'ben');
          return (body.case as { messageCount: number }).messageCount === 2 ? true : undefined;
        },
        90_000,
      );

      // A team at work: ben owns one case, ana already answered another (now waiting on the customer).
      const version = async (caseId: string) =>
        ((await api(local, 'GET', `/api/cases/${caseId}`, 'ben')).body.case as { version: number }).version;
      const owned = 'x-1870000000000000101';
      assert.equal(
        (await api(local, 'POST', `/api/cases/${owned}/claim`, 'ben', { version: await version(owned) }))
          .status,
        200,
      );
      const answered = 'x-1870000000000000102';
      const seeded = await api(local, 'POST', `/api/cases/${answered}/reply`, 'ana', {
        version: await version(answered),
        text: 'Yes, you can: send us your booking reference by DM and we will move it for you.',
        visibility: 'public',
        requestId: 'e2e-seed-000102',
      });
      assert.equal(seeded.status, 202, JSON.stringify(seeded.body));

      browser = await launchChromium();
      const page = await browser.context.newPage();
      // Generous: a loaded machine is slow, never wrong.
      page.setDefaultTimeout(60_000);
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('console', (message) => {
        // The browser logs every non-2xx answer; the expected 409 below is one of them.
        if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
          problems.push(message.text());
        }
      });

      // Sign in: local mode asks for the agent's own token once.
      await page.goto(`${local.url}/`);
      await page.fill('#api-token', tokens.sam!);
      await page.click('button[type=submit]');
      await page.waitForSelector('tr.case-row');
      assert.equal(await page.locator('tr.case-row').count(), MORNING.length);
      // The seeded reply reaches the platform and puts its case in "waiting on customer".
      await page
        .locator('.count', { hasText: 'waiting on customer' })
        .locator('strong', { hasText: '1' })
        .waitFor();
      assert.equal(await page.locator('.me').textContent(), 'sam');
      assert.equal(await page.locator('[data-testid=role]').textContent(), 'Supervisor · DemoAir');

      // A new signed mention arrives and shows up by itself, highlighted, without a reload.
      await page.evaluate('window.stillHere = true');
      assert.equal(
        (
          await postX(
            local.url,
            mention({
              id: TWEET,
              author: '3001969357',
              handle: 'furiouscamper',
              name: 'Jordan Brinks',
              text: "@DemoAir my flight KL1003 was cancelled and I've been on hold for 2 hours. Nobody answers. I need to get home tonight!",
            }),
          )
        ).status,
        200,
      );
      const row = page.locator(`tr.case-row[data-case-id="${CASE_ID}"]`);
      await row.waitFor({ timeout: 60_000 });
      assert.match((await row.getAttribute('class')) ?? '', /is-new/);
      assert.equal(await page.evaluate('window.stillHere'), true, 'the same page: no reload');
      assert.match((await row.locator('.timer').textContent()) ?? '', /^\d\d:\d\d$/, 'a live countdown');
      const refundRow = page.locator(`tr.case-row[data-case-id="${refund}"]`);
      assert.equal(
        await refundRow.locator('a.subject').textContent(),
        '@DemoAir still nothing. Who do I call about the refund?',
      );
      assert.equal(await refundRow.locator('.msg-count').textContent(), '2 messages');
      await page.waitForTimeout(1200);
      await screenshot(page, 'console-queue.png');
      await checkAccessible(page, 'queue');

      // The urgent case: on-call was paged at once about the risky post, and the case says so.
      await page.goto(`${local.url}/#/cases/x-1870000000000000104`);
      const casePages = page.locator('[data-testid=case-pages]');
      await casePages.locator('li', { hasText: 'risk' }).waitFor();
      assert.match((await casePages.textContent()) ?? '', /critical risk \d\d:\d\d CET/);
      // Acknowledged from the case: the button gives way to who acknowledged it, via the console.
      await casePages.locator('[data-testid=page-ack]').click();
      await casePages.locator('[data-testid=page-acknowledged]').waitFor();
      assert.match(
        (await casePages.locator('[data-testid=page-acknowledged]').textContent()) ?? '',
        /^Acknowledged by .+ via console/,
      );
      // Every time in the brand's timezone, named.
      assert.match(
        (await page.locator('.msg.in time').first().textContent()) ?? '',
        /^\d\d:\d\d CET$|^\d+ \w+, \d\d:\d\d CET$/,
      );
      await checkAccessible(page, 'urgent case');
      await page.goto(`${local.url}/#/queue`);
      await row.waitFor();

      // Open it, claim it.
      await row.locator('a.subject').click();
      await page.waitForURL(`**/#/cases/${CASE_ID}`);
      await page.waitForSelector('.msg.in');
      assert.match((await page.locator('.msg.in .msg-text').textContent()) ?? '', /KL1003 was cancelled/);
      await page.click('[data-testid=claim]');
      await page.locator('[data-testid=claim]', { hasText: 'Yours' }).waitFor();

      // Another agent changes the case while sam types: the send is refused with a clear message.
      // A canned reply of the brand, filled in for this customer and agent, then edited.
      await page.selectOption('select.canned', 'cancelled-flight');
      assert.equal(
        await page.inputValue('#reply-text'),
        "Hi Jordan, I'm so sorry your flight was cancelled. I'm sam and I'm looking at your options now.",
      );
      await page.fill('#reply-text', REPLY);
      // The counter includes the initials the API appends (" ^S").
      assert.equal(
        await page.locator('[data-testid=counter]').textContent(),
        `${[...REPLY].length + 3} / 280`,
      );
      const taken = await api(local, 'POST', `/api/cases/${CASE_ID}/assign`, 'ben', {
        version: await caseVersion(local),
        assignee: 'ben',
      });
      assert.equal(taken.status, 200);
      await page.click('[data-testid=send]');
      const conflict = page.locator('[data-testid=conflict]');
      await conflict.waitFor();
      assert.match(
        (await conflict.textContent()) ?? '',
        /changed since you opened it.*reload it and try again/,
      );
      assert.deepEqual(
        local.standIn.sent.filter((s) => s.inReplyToId === TWEET),
        [],
        'nothing sent on a stale version',
      );
      await conflict.locator('button', { hasText: 'Reload the case' }).click();
      await conflict.waitFor({ state: 'detached' });
      assert.equal(await page.inputValue('#reply-text'), REPLY, 'the draft survives the reload');
      await page.locator('[data-testid=claim]', { hasText: 'Take over from ben' }).click();
      await page.locator('[data-testid=claim]', { hasText: 'Yours' }).waitFor();

      // Reply in public: on the case at once (sending), then recorded at the platform stand-in, from
      // the care account, in the thread.
      await page.click('[data-testid=send]');
      await page.locator('.toast', { hasText: 'Reply sent.' }).waitFor();
      assert.match(
        (await page.locator('.thread').textContent()) ?? '',
        /rebooked you on tomorrow/,
        'the reply shows the moment the API took it',
      );
      const sent = await waitFor(
        'the reply at the X stand-in',
        async () => local.standIn.sent.find((s) => s.inReplyToId === TWEET && s.text === `${REPLY} ^S`),
        60_000,
      );
      assert.equal(sent.accountId, '4000001');
      assert.equal(sent.kind, 'reply');
      // Posted: the case reads itself again at once and shows the reply as sent.
      await page
        .locator('.msg.out:not(.sending) .msg-text', { hasText: 'rebooked you' })
        .waitFor({ timeout: 60_000 });
      await page.locator('[data-testid=sending]').waitFor({ state: 'detached' });
      assert.match((await page.locator('.msg.out .msg-who').first().textContent()) ?? '', /You via @DemoAir/);
      assert.equal(await page.inputValue('#reply-text'), '');

      // An internal note and a tag, then the case as a colleague would see it.
      await page.click('[data-mode=note]');
      await page.fill(
        '#reply-text',
        'Rebooked on KL1001 tomorrow 07:15; hotel voucher sent. Check he got the e-mail.',
      );
      await page.click('[data-testid=send]');
      await page.locator('.msg.note', { hasText: 'hotel voucher' }).waitFor();
      await page.fill('#tag-input', 'rebooked');
      await page.press('#tag-input', 'Enter');
      await page.locator('.tags .tag', { hasText: 'rebooked' }).waitFor();
      await page.click('[data-mode=public]');
      await page.waitForTimeout(500);
      await screenshot(page, 'console-case.png', true);
      await checkAccessible(page, 'case');

      // Resolve with a public close-out: posted in the thread, and the case leaves the queue.
      await page.fill('#close-out', CLOSE_OUT);
      await page.click('[data-testid=resolve]');
      await page.waitForURL(/#\/queue$/);
      await waitFor(
        'the close-out at the stand-in',
        async () => local.standIn.sent.find((s) => s.inReplyToId === TWEET && s.text === `${CLOSE_OUT} ^S`),
        60_000,
      );
      await row.waitFor({ state: 'detached', timeout: 60_000 });
      const { body } = await api(local, 'GET', `/api/cases/${CASE_ID}`, 'ben');
      const resolved = body.case as { status: string; resolvedBy: string };
      assert.equal(resolved.status, 'resolved');
      assert.equal(resolved.resolvedBy, 'sam');
      assert.equal(
        local.standIn.sent.filter((s) => s.inReplyToId === TWEET).length,
        2,
        'one reply, one close-out',
      );

      // Reports, for the team lead.
      await page.click('a[data-nav=reports]');
      await page.waitForSelector('.tiles');
      await page.waitForSelector('svg.chart');
      await page.waitForTimeout(300);
      await screenshot(page, 'console-reports.png', true);
      // The FAQ bot's instant answers are charted apart from the agents' first responses.
      assert.deepEqual(
        await page
          .locator('.chart-card', { hasText: 'First-response time' })
          .locator('.legend')
          .textContent(),
        'agentsFAQ bot',
      );
      assert.match((await page.locator('.tiles').textContent()) ?? '', /FAQ bot’s first response p90/);
      // The period's cases as CSV: the page asks for the export and shows the link to download it.
      await page.selectOption('select[data-export=export]', 'cases');
      await page.click('button[data-export-run]');
      const link = page.locator('a[data-export-link]');
      await link.waitFor();
      const href = (await link.getAttribute('href')) ?? '';
      const csv = await (await fetch(href)).text();
      assert.match(csv, /^caseId,brandId,channel,status,/);
      assert.ok(csv.split('\r\n').length > 3, csv);
      await checkAccessible(page, 'reports');

      // What on-call was paged about, each linking to its case.
      await page.click('a[data-nav=pages]');
      await page.locator('.pages li', { hasText: 'risk' }).first().waitFor();
      await screenshot(page, 'console-pages.png', true);
      await checkAccessible(page, 'pages');

      assert.deepEqual(
        inaccessible,
        [],
        'axe-core (WCAG 2 A/AA) finds nothing on the queue, case, reports and pages views',
      );
      assert.deepEqual(problems, [], 'no script errors in the console');
    } finally {
      await browser?.close();
      await system?.stop();
    }
  },
  600_000,
);

(missing ? test.skip : test)(
  "an agent of one brand signs in with the printed link and never sees another brand's case",
  async () => {
    let system: LocalSystem | undefined;
    let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
    try {
      system = await startLocalSystem({
        brandConfig: twoBrandConfig(),
        port: 0,
        apiToken: API_TOKEN,
        xConsumerSecret: X_SECRET,
        visibilityTimeoutSeconds: 1,
      });
      const local = system;
      await addAgents(local, [['lena', 'Lena Vos', 'agent', 'demoair']]);
      const bankPost = (id: string, author: string, text: string) => {
        const payload = JSON.parse(
          mention({ id, author, handle: `saver${author}`, name: 'Sam Saver', text, to: '4100001' }),
        );
        const tweet = payload.tweet_create_events[0];
        Object.assign(tweet, { in_reply_to_user_id: 4100001, in_reply_to_user_id_str: '4100001' });
        tweet.entities.user_mentions = [
          { screen_name: 'NorthBank', name: 'NorthBank', id: 4100001, id_str: '4100001', indices: [0, 10] },
        ];
        return JSON.stringify(payload);
      };
      const bankCase = 'x-1895000000000000001';
      assert.equal(
        (await postX(local.url, bankPost(bankCase.slice(2), '7201', '@NorthBank my card is blocked'))).status,
        200,
      );
      assert.equal((await postX(local.url, mention(MORNING[0]!))).status, 200);
      await waitFor('both cases', async () =>
        (await local.store.getCase(bankCase)) && (await local.store.getCase(`x-${MORNING[0]!.id}`))
          ? true
          : undefined,
      );

      browser = await launchChromium();
      const page = await browser.context.newPage();
      page.setDefaultTimeout(20_000);
      // The link `socialcare agents add` prints: the token leaves the address bar at once.
      await page.goto(`${local.url}/#token=${tokens.lena}`);
      await page.waitForSelector('tr.case-row');
      assert.doesNotMatch(page.url(), /token=/);
      assert.equal(await page.locator('.me').textContent(), 'Lena Vos');
      assert.equal(await page.locator('[data-testid=role]').textContent(), 'Agent · DemoAir');
      // An agent sees no reports link.
      assert.equal(await page.locator('a[data-nav=reports]').count(), 0);

      // A second bank case arrives, then an airline one: the queue shows the airline's only.
      const laterBank = 'x-1895000000000000002';
      assert.equal(
        (await postX(local.url, bankPost(laterBank.slice(2), '7202', '@NorthBank my transfer is stuck!')))
          .status,
        200,
      );
      await waitFor('the later bank case', async () => local.store.getCase(laterBank));
      assert.equal((await postX(local.url, mention(MORNING[1]!))).status, 200);
      await page.locator(`tr.case-row[data-case-id="x-${MORNING[1]!.id}"]`).waitFor({ timeout: 30_000 });
      const shown = await page
        .locator('tr.case-row')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-case-id')));
      assert.deepEqual(shown.sort(), [`x-${MORNING[0]!.id}`, `x-${MORNING[1]!.id}`].sort());
      assert.ok(!(await page.content()).includes('NorthBank'), 'nothing of the other brand on the page');

      // Opening the bank's case by its address shows no case.
      await page.goto(`${local.url}/#/cases/${bankCase}`);
      await page.waitForSelector('.banner.danger');
      assert.ok(!(await page.content()).includes('card is blocked'));
      // No abuse marks or assigning for an agent, on the airline's own case either.
      await page.goto(`${local.url}/#/cases/x-${MORNING[0]!.id}`);
      await page.waitForSelector('.msg.in');
      assert.equal(await page.locator('#assign-to').count(), 0);
      assert.equal(await page.locator('button', { hasText: 'Mark as abusive' }).count(), 0);
      await page.locator('[data-testid=audit] li', { hasText: 'opened the case' }).waitFor();
    } finally {
      await browser?.close();
      await system?.stop();
    }
  },
  240_000,
);

(missing ? test.skip : test)(
  'the no-reply lane in the console: a thank-you waits in its own tab, untimed; the agent moves it to the reply lane and corrects its topic, one click each',
  async () => {
    let system: LocalSystem | undefined;
    let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
    try {
      system = await startLocalSystem({
        brandConfig: demoConfig(),
        port: 0,
        apiToken: API_TOKEN,
        xConsumerSecret: X_SECRET,
        visibilityTimeoutSeconds: 1,
      });
      const local = system;
      await addAgents(local, [['lina', 'Lina', 'agent', 'demoair']]);
      const thanks = 'x-1896000000000000001';
      const complaint = `x-${MORNING[0]!.id}`;
      await postX(
        local.url,
        mention({
          id: thanks.slice(2),
          author: '7301',
          handle: 'happy',
          name: 'Hap Py',
          text: '@DemoAir thanks, loved it!',
        }),
      );
      await postX(local.url, mention(MORNING[0]!));
      await waitFor('both cases', async () =>
        (await local.store.getCase(thanks)) && (await local.store.getCase(complaint)) ? true : undefined,
      );

      browser = await launchChromium();
      const page = await browser.context.newPage();
      page.setDefaultTimeout(60_000);
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(`${local.url}/#token=${tokens.lina}`);
      // The queue opens on the cases that need a reply.
      await page.locator(`tr.case-row[data-case-id="${complaint}"]`).waitFor();
      assert.equal(await page.locator(`tr.case-row[data-case-id="${thanks}"]`).count(), 0);
      await page.locator('[data-lane=no_reply]', { hasText: 'No reply needed (1)' }).click();
      const row = page.locator(`tr.case-row[data-case-id="${thanks}"]`);
      await row.waitFor();
      assert.equal(await page.locator(`tr.case-row[data-case-id="${complaint}"]`).count(), 0);
      assert.equal(await row.locator('[data-topic]').textContent(), 'praise');
      await checkAccessible(page, 'no-reply lane');

      await row.locator('a.subject').click();
      await page.locator('[data-testid=case-lane]', { hasText: 'No reply needed' }).waitFor();
      assert.match((await page.locator('.big-due').textContent()) ?? '', /no reply needed: not timed/);
      await page.locator('[data-testid=lane]', { hasText: 'Needs a reply after all' }).click();
      await page.locator('.toast', { hasText: 'Moved to the reply lane' }).waitFor();
      await page.locator('.big-due .timer').waitFor();
      await page.locator('[data-testid=lane]', { hasText: 'No reply needed' }).waitFor();
      // The move is on the case's audit trail (read with the case).
      await page.reload();
      await page.locator('[data-testid=audit] li', { hasText: 'moved the case between lanes' }).waitFor();
      const moved = (await local.store.getCase(thanks))!;
      assert.equal(moved.lane, 'reply');
      assert.ok(moved.nextDeadlineAt);
      // The customer writes again, angry: the case's sentiment is the worst recent reading, worsening.
      await postX(
        local.url,
        mention({
          id: '1896000000000000002',
          author: '7301',
          handle: 'happy',
          name: 'Hap Py',
          text: '@DemoAir and now my bag is lost. Terrible, nobody answers.',
        }),
      );
      await page
        .locator('.case-title .sentiment', { hasText: 'negative · worsening' })
        .waitFor({ timeout: 90_000 });
      // The agent corrects the topic in one click: the case changes, and the correction is a labelled example.
      await page.locator('[data-correct-topic=delay]').click();
      await page.locator('.toast', { hasText: 'Corrected' }).waitFor();
      await page.locator('[data-testid=case-topic]', { hasText: 'Topic: delay' }).waitFor();
      assert.equal(await page.locator('[data-correct-topic=delay]').getAttribute('aria-pressed'), 'true');
      const exported = await fetch(`${local.url}/api/labels?brand=demoair`, {
        headers: { authorization: `Bearer ${API_TOKEN}` },
      });
      const [label] = (await exported.text())
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      assert.deepEqual([label.caseId, label.agentId, label.corrected], [thanks, 'lina', { topic: 'delay' }]);
      await checkAccessible(page, 'no-reply lane case');
      assert.deepEqual(
        inaccessible.filter((v) => v.startsWith('no-reply lane')),
        [],
      );
      assert.deepEqual(problems, []);
    } finally {
      await browser?.close();
      await system?.stop();
    }
  },
);
