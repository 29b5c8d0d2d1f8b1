import assert from 'node:assert/strict';
import type { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { test } from '@jest/globals';
import type { SNSEvent } from 'aws-lambda';
import { SnsPager } from '../../functions/adapters/aws/sns-pager';
import type { Page } from '../../functions/core/paging';
import {
  createPageForwarder,
  forwardPage,
  MalformedPageError,
  PAGERDUTY_EVENTS_URL,
  PageDeliveryError,
  PageTargetsError,
  pageTargetsFrom,
} from '../../functions/page-forwarder/forward';

const SLACK_URL = 'https://hooks.slack.com/services/T000/B000/XXXX';
const ROUTING_KEY = 'R0UT1NGKEY0000000000000000000000';
const LINK = 'https://api.example.com/api/cases/x-1860000000000000001';

const breach: Page = {
  pageId: 'sla:x-1860000000000000001:first_response:breach',
  kind: 'deadline_breach',
  severity: 'critical',
  brandId: 'demoair',
  caseId: 'x-1860000000000000001',
  title: '[DemoAir] first response deadline missed: case x-1860000000000000001 (high)',
  text: [
    '[DemoAir] first response deadline missed: case x-1860000000000000001 (high)',
    'overdue by 3m (due 2026-11-23T10:30:00.000Z).',
    '@traveller on x, public: "bags <lost> & nobody answers"',
    `Open: ${LINK}`,
  ].join('\n'),
  link: LINK,
  createdAt: '2026-11-23T10:33:00.000Z',
};

interface Call {
  url: string;
  method: string | undefined;
  headers: Record<string, string>;
  body: unknown;
  signal: AbortSignal | null | undefined;
}

/** A fetch that records each request and answers from `answer` (200 "ok" by default). */
function fakeFetch(answer: (url: string) => Response | Promise<Response> = () => new Response('ok')) {
  const calls: Call[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    calls.push({
      url,
      method: init?.method,
      headers: init?.headers as Record<string, string>,
      body: JSON.parse(String(init?.body)),
      signal: init?.signal,
    });
    return answer(url);
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

const bothTargets = { slackWebhookUrl: SLACK_URL, pagerDutyRoutingKey: ROUTING_KEY };

test('Slack gets the page as Block Kit, its text escaped, with an Open case button', async () => {
  const { fetch, calls } = fakeFetch();
  assert.deepEqual(await forwardPage(breach, { slackWebhookUrl: SLACK_URL }, { fetch }), ['slack']);
  assert.equal(calls.length, 1);
  const [call] = calls as [Call];
  assert.equal(call.url, SLACK_URL);
  assert.equal(call.method, 'POST');
  assert.deepEqual(call.headers, { 'content-type': 'application/json' });
  assert.ok(call.signal instanceof AbortSignal, 'every POST has a timeout');
  assert.deepEqual(call.body, {
    text: 'CRITICAL: [DemoAir] first response deadline missed: case x-1860000000000000001 (high)',
    blocks: [
      {
        type: 'header',
        text: {
          type: 'plain_text',
          text: '[DemoAir] first response deadline missed: case x-1860000000000000001 (high)',
        },
      },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: [
            '[DemoAir] first response deadline missed: case x-1860000000000000001 (high)',
            'overdue by 3m (due 2026-11-23T10:30:00.000Z).',
            '@traveller on x, public: "bags &lt;lost&gt; &amp; nobody answers"',
            `Open: ${LINK}`,
          ].join('\n'),
        },
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: '*CRITICAL* · deadline_breach · brand demoair · case x-1860000000000000001',
          },
        ],
      },
      {
        type: 'actions',
        elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open case' }, url: LINK }],
      },
    ],
  });
});

test('PagerDuty gets an Events v2 trigger keyed by the page id, with the case link', async () => {
  const { fetch, calls } = fakeFetch(() => new Response('{"status":"success"}', { status: 202 }));
  assert.deepEqual(await forwardPage(breach, { pagerDutyRoutingKey: ROUTING_KEY }, { fetch }), ['pagerduty']);
  assert.equal(calls.length, 1);
  const [call] = calls as [Call];
  assert.equal(call.url, PAGERDUTY_EVENTS_URL);
  assert.equal(call.url, 'https://events.pagerduty.com/v2/enqueue');
  assert.equal(call.method, 'POST');
  assert.ok(call.signal instanceof AbortSignal);
  assert.deepEqual(call.body, {
    routing_key: ROUTING_KEY,
    event_action: 'trigger',
    dedup_key: 'sla:x-1860000000000000001:first_response:breach',
    payload: {
      summary: '[DemoAir] first response deadline missed: case x-1860000000000000001 (high)',
      source: 'socialcare',
      severity: 'critical',
      timestamp: '2026-11-23T10:33:00.000Z',
      class: 'deadline_breach',
      custom_details: {
        brandId: 'demoair',
        caseId: 'x-1860000000000000001',
        link: LINK,
        text: breach.text,
      },
    },
    links: [{ href: LINK, text: 'Open case' }],
  });
});

test('a warning is a warning in PagerDuty; a long title is cut to 1024 characters; no link, no links', async () => {
  const { fetch, calls } = fakeFetch(() => new Response('', { status: 202 }));
  const { link: _link, caseId: _caseId, ...spike } = breach;
  await forwardPage(
    { ...spike, kind: 'spike', severity: 'warning', title: 'x'.repeat(2000) },
    { pagerDutyRoutingKey: ROUTING_KEY },
    { fetch },
  );
  const body = calls[0]?.body as { payload: { summary: string; severity: string; custom_details: object } };
  assert.equal(body.payload.severity, 'warning');
  assert.equal(body.payload.summary.length, 1024);
  assert.deepEqual(body.payload.custom_details, { brandId: 'demoair', text: breach.text });
  assert.equal((body as { links?: unknown }).links, undefined);
});

test('both targets are sent to; a non-2xx answer from either throws, naming it', async () => {
  const both = fakeFetch();
  assert.deepEqual(await forwardPage(breach, bothTargets, { fetch: both.fetch }), ['slack', 'pagerduty']);
  assert.deepEqual(
    both.calls.map((c) => c.url),
    [SLACK_URL, PAGERDUTY_EVENTS_URL],
  );

  const slackDown = fakeFetch((url) =>
    url === SLACK_URL ? new Response('no_service', { status: 404 }) : new Response('', { status: 202 }),
  );
  await assert.rejects(forwardPage(breach, bothTargets, { fetch: slackDown.fetch }), (error: Error) => {
    assert.ok(error instanceof PageDeliveryError);
    assert.deepEqual(error.targets, ['slack']);
    assert.equal(error.message, 'slack answered 404: no_service');
    return true;
  });
  assert.equal(slackDown.calls.length, 2, 'PagerDuty is still tried');

  const throttled = fakeFetch(() => new Response('{"status":"throttle event"}', { status: 429 }));
  await assert.rejects(
    forwardPage(breach, { pagerDutyRoutingKey: ROUTING_KEY }, { fetch: throttled.fetch }),
    { name: 'PageDeliveryError', message: 'pagerduty answered 429: {"status":"throttle event"}' },
  );
});

test('a target that does not answer in time throws', async () => {
  // A server that never answers; the timer only keeps the event loop alive (AbortSignal.timeout's does not).
  const fetch = ((_input: string | URL | Request, init?: RequestInit) =>
    new Promise<Response>((_resolve, reject) => {
      const keepAlive = setTimeout(() => reject(new Error('the request was not abandoned')), 5000);
      init?.signal?.addEventListener('abort', () => {
        clearTimeout(keepAlive);
        reject(init.signal?.reason);
      });
    })) as typeof globalThis.fetch;
  await assert.rejects(forwardPage(breach, { slackWebhookUrl: SLACK_URL }, { fetch, timeoutMs: 20 }), {
    name: 'PageDeliveryError',
    message: 'slack timed out',
  });
});

test('targets from the secret: empty or REPLACE_ME is off; a webhook URL must be https', () => {
  assert.deepEqual(pageTargetsFrom({ slackWebhookUrl: 'REPLACE_ME', pagerDutyRoutingKey: 'REPLACE_ME' }), {});
  assert.deepEqual(pageTargetsFrom({ slackWebhookUrl: '', pagerDutyRoutingKey: ' ' }), {});
  assert.deepEqual(pageTargetsFrom({}), {});
  assert.deepEqual(pageTargetsFrom({ slackWebhookUrl: SLACK_URL, pagerDutyRoutingKey: 'REPLACE_ME' }), {
    slackWebhookUrl: SLACK_URL,
  });
  assert.deepEqual(pageTargetsFrom({ pagerDutyRoutingKey: ` ${ROUTING_KEY}\n` }), {
    pagerDutyRoutingKey: ROUTING_KEY,
  });
  assert.throws(() => pageTargetsFrom({ slackWebhookUrl: 'http://hooks.slack.com/services/T/B/X' }), {
    name: PageTargetsError.name,
    message: 'slackWebhookUrl is not an https URL (a Slack incoming webhook URL)',
  });
});

/** What SNS hands the Lambda subscriber: the `lambda` body of the pager's per-protocol message. */
async function snsEventFor(page: Page): Promise<SNSEvent> {
  let published: PublishCommand | undefined;
  const client = {
    send: async (command: PublishCommand) => {
      published = command;
      return {};
    },
  } as unknown as SNSClient;
  await new SnsPager(client, 'arn:aws:sns:eu-west-1:111122223333:oncall').publish(page);
  assert.equal(published?.input.MessageStructure, 'json');
  const bodies = JSON.parse(published?.input.Message ?? '') as { lambda: string };
  return { Records: [{ Sns: { Message: bodies.lambda } }] } as unknown as SNSEvent;
}

test('the forwarder reads the page the pager published and forwards it', async () => {
  const { fetch, calls } = fakeFetch();
  const forwarder = createPageForwarder({ targets: async () => bothTargets, fetch });
  await forwarder(await snsEventFor(breach));
  assert.deepEqual(
    calls.map((c) => c.url),
    [SLACK_URL, PAGERDUTY_EVENTS_URL],
  );
  assert.equal((calls[1]?.body as { dedup_key?: string } | undefined)?.dedup_key, breach.pageId);
});

test('with no target configured the forwarder sends nothing and does not fail', async () => {
  const { fetch, calls } = fakeFetch();
  const forwarder = createPageForwarder({ targets: async () => pageTargetsFrom({}), fetch });
  await forwarder(await snsEventFor(breach));
  assert.equal(calls.length, 0);
});

test('the forwarder throws when a target fails (so Lambda retries) and on a message that is not a page', async () => {
  const down = fakeFetch(() => new Response('invalid_payload', { status: 400 }));
  const forwarder = createPageForwarder({ targets: async () => bothTargets, fetch: down.fetch });
  await assert.rejects(forwarder(await snsEventFor(breach)), PageDeliveryError);

  const ok = createPageForwarder({ targets: async () => bothTargets, fetch: fakeFetch().fetch });
  const notAPage = { Records: [{ Sns: { Message: 'hello' } }] } as unknown as SNSEvent;
  await assert.rejects(ok(notAPage), MalformedPageError);
  const noSeverity = { Records: [{ Sns: { Message: JSON.stringify({ ...breach, severity: 'meh' }) } }] };
  await assert.rejects(ok(noSeverity as unknown as SNSEvent), {
    name: 'MalformedPageError',
    message: 'not a page: severity unknown',
  });
});

test('each level of a chain goes to its own targets; Slack gets an Acknowledge button carrying the signed token', async () => {
  const { fetch, calls } = fakeFetch();
  const targets = { slackWebhookUrl: SLACK_URL, pagerDutyRoutingKey: ROUTING_KEY };
  const level1: Page = {
    ...breach,
    level: 1,
    levels: 3,
    levelName: 'team lead',
    targets: ['slack'],
    ackToken: 'tok.sig',
  };
  assert.deepEqual(await forwardPage(level1, targets, { fetch }), ['slack']);
  const slack = calls[0]!.body as {
    blocks: Array<{ type: string; elements?: Array<Record<string, unknown>> }>;
  };
  const actions = slack.blocks.find((b) => b.type === 'actions')!;
  assert.deepEqual(actions.elements![0], {
    type: 'button',
    text: { type: 'plain_text', text: 'Acknowledge' },
    action_id: 'socialcare_ack',
    value: 'tok.sig',
    style: 'primary',
  });
  assert.match(JSON.stringify(slack), /level 1 of 3: team lead/);
  const level2: Page = { ...level1, level: 2, levelName: 'duty manager', targets: ['email', 'pagerduty'] };
  assert.deepEqual(
    await forwardPage(level2, targets, { fetch, pagerDutyEventsUrl: 'http://127.0.0.1:9/v2/enqueue' }),
    ['pagerduty'],
  );
  assert.equal(calls[1]!.url, 'http://127.0.0.1:9/v2/enqueue');
  assert.equal((calls[1]!.body as { dedup_key: string }).dedup_key, breach.pageId);
  // E-mail and SMS only: nothing for the forwarder.
  assert.deepEqual(await forwardPage({ ...level1, targets: ['email', 'sms'] }, targets, { fetch }), []);
});

test('a resolve notice is an Events API v2 resolve with the page id as dedup_key, to PagerDuty only', async () => {
  const { fetch, calls } = fakeFetch();
  const notice = {
    notice: 'resolve' as const,
    pageId: breach.pageId,
    brandId: 'demoair',
    kind: breach.kind,
    severity: breach.severity,
    at: '2026-11-23T11:00:00.000Z',
  };
  const reached = await forwardPage(
    notice,
    { slackWebhookUrl: SLACK_URL, pagerDutyRoutingKey: ROUTING_KEY },
    { fetch },
  );
  assert.deepEqual(reached, ['pagerduty']);
  assert.equal(calls[0]!.url, PAGERDUTY_EVENTS_URL);
  assert.deepEqual(calls[0]!.body, {
    routing_key: ROUTING_KEY,
    event_action: 'resolve',
    dedup_key: breach.pageId,
  });
  // Through the forwarder, as SNS delivers the pager's notice.
  const pdCalls = fakeFetch();
  const forwarder = createPageForwarder({
    fetch: pdCalls.fetch,
    targets: async () => ({ pagerDutyRoutingKey: ROUTING_KEY }),
  });
  await forwarder({ Records: [{ Sns: { Message: JSON.stringify(notice) } }] } as unknown as SNSEvent);
  assert.equal((pdCalls.calls[0]!.body as { event_action: string }).event_action, 'resolve');
});

test('the SNS pager publishes the level and targets as attributes; a resolve notice targets PagerDuty only', async () => {
  const sent: PublishCommand[] = [];
  const pager = new SnsPager(
    { send: async (command: PublishCommand) => sent.push(command) } as unknown as SNSClient,
    'arn:topic',
  );
  await pager.publish({ ...breach, level: 2, targets: ['email', 'pagerduty'] });
  await pager.publish(breach);
  await pager.resolve(breach, '2026-11-23T11:00:00.000Z');
  const attributes = sent.map((c) => c.input.MessageAttributes!);
  assert.deepEqual(
    attributes.map((a) => [a.level?.StringValue, a.targets?.StringValue, a.kind?.StringValue]),
    [
      ['2', '["email","pagerduty"]', 'deadline_breach'],
      ['1', '["email","sms","slack","pagerduty"]', 'deadline_breach'],
      ['0', '["pagerduty"]', 'resolve'],
    ],
  );
  // The notice carries no words of the customer.
  assert.doesNotMatch(String(sent[2]!.input.Message), /traveller|bags/);
});
