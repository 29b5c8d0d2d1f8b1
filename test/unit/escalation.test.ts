import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { AckTokenError, signAckToken, verifyAckToken } from '../../functions/channels/oncall/ack-token';
import {
  pagerDutySignature,
  verifyPagerDutySignature,
} from '../../functions/channels/oncall/pagerduty-signature';
import { slackSignature, verifySlackSignature } from '../../functions/channels/oncall/slack-signature';
import { BrandConfigError } from '../../functions/core/brand-config';
import { parseBrandConfig } from '../../functions/core/brand-config-schema';
import {
  type ChainCase,
  type ChainPage,
  chainFor,
  DEFAULT_LEVEL,
  type EscalationLevel,
  levelState,
  nextEscalationStep,
  pageGoesTo,
} from '../../functions/core/escalation';
import { escalationSchema } from '../../functions/core/escalation-schema';
import { acknowledgePage, runEscalations, stopPagesOfCase } from '../../functions/core/page-escalation';
import { type Page, raisePage } from '../../functions/core/paging';
import { InMemoryAuditLog, InMemoryPageStore, RecordingPager } from '../fakes/in-memory';
import { demoConfig } from '../helpers';

const CHAIN: EscalationLevel[] = [
  { name: 'team lead', targets: ['slack'], escalateAfter: '10m' },
  { name: 'duty manager', targets: ['email', 'pagerduty'], escalateAfter: '20m' },
  { name: 'head of care', targets: ['sms', 'pagerduty'] },
];
const T0 = '2026-12-03T10:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000);

describe('the chain of a brand and severity', () => {
  test.each([
    ['no escalation config', undefined, 'critical', [DEFAULT_LEVEL]],
    ['a chain for the other severity only', { warning: CHAIN }, 'critical', [DEFAULT_LEVEL]],
    ['the configured chain', { critical: CHAIN }, 'critical', CHAIN],
    ['warnings have their own', { warning: CHAIN.slice(0, 1) }, 'warning', CHAIN.slice(0, 1)],
  ] as const)('%s', (_name, config, severity, expected) => {
    assert.deepEqual(chainFor(config as never, severity), expected);
  });

  test('the default level goes to every target and never climbs: deployments page as before', () => {
    assert.deepEqual(levelState([DEFAULT_LEVEL], 1, at(0)), {
      level: 1,
      levelName: 'on-call',
      levels: 1,
      targets: ['email', 'sms', 'slack', 'pagerduty'],
    });
  });

  test.each([
    [
      1,
      { level: 1, levelName: 'team lead', levels: 3, targets: ['slack'], escalateAt: at(10).toISOString() },
    ],
    [
      2,
      {
        level: 2,
        levelName: 'duty manager',
        levels: 3,
        targets: ['email', 'pagerduty'],
        escalateAt: at(20).toISOString(),
      },
    ],
    [3, { level: 3, levelName: 'head of care', levels: 3, targets: ['sms', 'pagerduty'] }],
  ] as const)('level %i entered at T0', (level, expected) => {
    assert.deepEqual(levelState(CHAIN, level, at(0)), expected);
  });
});

describe('what the monitor does with a due page', () => {
  const page = (fields: Partial<ChainPage> = {}): ChainPage => ({
    createdAt: T0,
    level: 1,
    escalateAt: at(10).toISOString(),
    ...fields,
  });
  const open: ChainCase = { status: 'open' };
  test.each<[string, ChainPage, ChainCase | undefined, number, string]>([
    ['before its wait is over', page(), open, 9, 'wait'],
    ['at the end of its wait', page(), open, 10, 'climb:2'],
    ['long after (one level per run)', page(), open, 90, 'climb:2'],
    ['level 2 due', page({ level: 2, escalateAt: at(30).toISOString() }), open, 31, 'climb:3'],
    ['at the last level', page({ level: 3 }), open, 90, 'done:last_level'],
    ['acknowledged', page({ acknowledgedAt: at(2).toISOString() }), open, 90, 'done:acknowledged'],
    ['already stopped', page({ stoppedAt: at(3).toISOString() }), { status: 'resolved' }, 90, 'done:stopped'],
    ['its case resolved', page(), { status: 'resolved' }, 12, 'stop:resolved'],
    [
      'its case resolved, acknowledged',
      page({ acknowledgedAt: at(2).toISOString() }),
      { status: 'resolved' },
      12,
      'stop:resolved',
    ],
    [
      'answered by an agent after the page',
      page(),
      { status: 'open', lastAgentReplyAt: at(4).toISOString() },
      12,
      'stop:answered',
    ],
    [
      'answered only before the page (a new risk)',
      page(),
      { status: 'open', lastAgentReplyAt: at(-5).toISOString() },
      12,
      'climb:2',
    ],
    ['no case (an X spend page)', page(), undefined, 12, 'climb:2'],
  ])('%s', (_name, chainPage, careCase, minutes, expected) => {
    const step = nextEscalationStep(chainPage, CHAIN, careCase, at(minutes));
    const got =
      step.action === 'climb'
        ? `climb:${step.next.level}`
        : step.action === 'wait'
          ? 'wait'
          : `${step.action}:${step.reason}`;
    assert.equal(got, expected);
  });

  test.each([
    [{ targets: ['slack'] }, 'slack', true],
    [{ targets: ['slack'] }, 'email', false],
    [{}, 'sms', true],
  ] as const)('a page with %j goes to %s: %s', (fields, target, expected) => {
    assert.equal(pageGoesTo(fields, target), expected);
  });
});

describe('the escalation config', () => {
  test.each([
    ['a chain', { critical: CHAIN }, []],
    [
      'a level before the last without its wait',
      {
        critical: [
          { name: 'a', targets: ['slack'] },
          { name: 'b', targets: ['sms'] },
        ],
      },
      ['critical[0].escalateAfter: level "a" needs escalateAfter: how long before the page climbs to "b"'],
    ],
    [
      'a wait on the last level',
      { warning: [{ name: 'a', targets: ['slack'], escalateAfter: '5m' }] },
      ['warning[0].escalateAfter: level "a" is the last one: there is no level to climb to'],
    ],
    [
      'an unknown target and a bad duration',
      {
        critical: [
          { name: 'a', targets: ['fax'], escalateAfter: 'soon' },
          { name: 'b', targets: ['sms'] },
        ],
      },
      ['critical[0].targets[0]: Invalid option', 'critical[0].escalateAfter: expected a duration'],
    ],
    ['a typo', { critcal: CHAIN }, [': Unrecognized key: "critcal"']],
  ] as const)('%s', (_name, escalation, problems) => {
    const config = demoConfig();
    (config.brands[0] as Record<string, unknown>).escalation = escalation;
    if (!problems.length) {
      assert.deepEqual(escalationSchema.parse(escalation), escalation);
      assert.ok(parseBrandConfig(config).brands[0]!.escalation);
      return;
    }
    try {
      parseBrandConfig(config);
      assert.fail('expected the config to be refused');
    } catch (error) {
      assert.ok(error instanceof BrandConfigError);
      for (const problem of problems) {
        assert.ok(
          error.problems.some((p) =>
            p.startsWith(`brands[0].escalation${problem.startsWith(':') ? '' : '.'}${problem}`),
          ),
          `${problem} in ${error.problems.join(' | ')}`,
        );
      }
    }
  });
});

describe('acknowledgement links', () => {
  const now = new Date(T0);
  const token = signAckToken('key-1', 'sla:x-1:first_response@x:breach', now);
  test.each<[string, string, string, Date, string]>([
    ['its own link', 'key-1', token, at(60), 'sla:x-1:first_response@x:breach'],
    ['after a day', 'key-1', token, at(24 * 60 + 1), 'expired'],
    ['another deployment', 'key-2', token, at(1), 'bad_signature'],
    [
      'a changed page id',
      'key-1',
      `${Buffer.from('{"v":1,"p":"risk:x:2","e":9999999999,"u":"page-ack"}').toString('base64url')}.${token.split('.')[1]}`,
      at(1),
      'bad_signature',
    ],
    ['not a token', 'key-1', 'hello', at(1), 'malformed'],
  ])('%s', (_name, key, given, when, expected) => {
    try {
      assert.equal(verifyAckToken(key, given, when), expected);
    } catch (error) {
      assert.ok(error instanceof AckTokenError, String(error));
      assert.equal(error.problem, expected);
    }
  });

  test('the token names the page only', () => {
    const payload = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
    assert.deepEqual(Object.keys(payload).sort(), ['e', 'p', 'u', 'v']);
  });
});

describe('Slack and PagerDuty signatures', () => {
  const body = Buffer.from('payload=%7B%22type%22%3A%22block_actions%22%7D');
  const now = new Date('2026-12-03T10:00:00Z');
  const ts = String(now.getTime() / 1000);
  test.each([
    ['signed now', slackSignature('s', ts, body), ts, true],
    ['4 minutes old', slackSignature('s', String(Number(ts) - 240), body), String(Number(ts) - 240), true],
    ['6 minutes old', slackSignature('s', String(Number(ts) - 360), body), String(Number(ts) - 360), false],
    ['another secret', slackSignature('t', ts, body), ts, false],
    ['no timestamp', slackSignature('s', ts, body), undefined, false],
  ] as const)('Slack: %s', (_name, signature, timestamp, expected) => {
    assert.equal(verifySlackSignature('s', timestamp, signature, body, now), expected);
  });

  test.each([
    ['one signature', pagerDutySignature('s', body), true],
    ['rotation: two signatures', `${pagerDutySignature('old', body)},${pagerDutySignature('s', body)}`, true],
    ['another secret', pagerDutySignature('x', body), false],
    ['absent', undefined, false],
  ] as const)('PagerDuty: %s', (_name, header, expected) => {
    assert.equal(verifyPagerDutySignature('s', header, body), expected);
  });

  test('the PagerDuty signature is v1= hex HMAC-SHA256 of the raw body', () => {
    assert.match(pagerDutySignature('s', body), /^v1=[0-9a-f]{64}$/);
  });
});

describe('the chain at work, with in-memory ports', () => {
  const basePage: Page = {
    pageId: 'risk:x:1',
    kind: 'risk',
    severity: 'critical',
    brandId: 'demoair',
    caseId: 'x-1',
    title: 'risk',
    text: 'risk',
    createdAt: T0,
  };
  const setup = () => {
    const pages = new InMemoryPageStore();
    const pager = new RecordingPager();
    const careCase = { caseId: 'x-1', status: 'open', lastAgentReplyAt: undefined as string | undefined };
    const deps = {
      pages,
      pager,
      escalationOf: () => ({ critical: CHAIN }),
      cases: { getCase: async () => careCase as never },
    };
    return { pages, pager, careCase, deps };
  };

  test('climbs once per wait, stops at an acknowledgement, audits it once', async () => {
    const { pages, pager, deps } = setup();
    await raisePage(basePage, { ...deps, now: () => at(0) });
    assert.deepEqual(
      pager.published.map((p) => p.level),
      [1],
    );
    await runEscalations({ ...deps, now: () => at(5) });
    await Promise.all([
      runEscalations({ ...deps, now: () => at(10) }),
      runEscalations({ ...deps, now: () => at(10) }),
    ]);
    assert.deepEqual(
      pager.published.map((p) => [p.level, p.targets]),
      [
        [1, ['slack']],
        [2, ['email', 'pagerduty']],
      ],
    );
    const audit = new InMemoryAuditLog();
    const who = { by: 'ana', byName: 'Ana', via: 'console' as const, role: 'agent' };
    assert.equal((await acknowledgePage('risk:x:1', who, { pages, audit })).outcome, 'acknowledged');
    assert.equal(
      (await acknowledgePage('risk:x:1', { ...who, by: 'sue' }, { pages, audit })).outcome,
      'already',
    );
    assert.equal((await acknowledgePage('risk:x:404', who, { pages, audit })).outcome, 'not_found');
    await runEscalations({ ...deps, now: () => at(60) });
    assert.equal(pager.published.length, 2);
    assert.equal(pages.records.get('risk:x:1')?.acknowledgedBy, 'ana');
    assert.equal(pages.escalating.size, 0, 'off the escalation index');
    const entries = await audit.listForCase('x-1');
    assert.deepEqual(
      entries.map((e) => [e.action, e.agentId, e.target]),
      [['page_ack', 'ana', 'risk:x:1']],
    );
  });

  test('an answered case stops its chain once and resolves its incident', async () => {
    const { pages, pager, careCase, deps } = setup();
    await raisePage(basePage, { ...deps, now: () => at(0) });
    careCase.lastAgentReplyAt = at(3).toISOString();
    await runEscalations({ ...deps, now: () => at(10) });
    assert.deepEqual(pager.resolved, ['risk:x:1']);
    assert.equal(pages.records.get('risk:x:1')?.stopReason, 'answered');
    // The agent API's stop after the monitor's: nothing more.
    const stopped = await stopPagesOfCase(
      { caseId: 'x-1' },
      [{ platform: 'x', platformMessageId: '1' }],
      'resolved',
      deps,
    );
    assert.deepEqual(stopped, []);
    assert.deepEqual(pager.resolved, ['risk:x:1']);
    assert.deepEqual(
      pager.published.map((p) => p.level),
      [1],
    );
  });
});
