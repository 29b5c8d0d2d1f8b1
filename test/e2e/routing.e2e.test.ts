import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { type LocalSystem, startLocalSystem } from '../../functions/local-runtime/runtime';
import { demoConfig } from '../helpers';
import { API_TOKEN, postX, waitFor, X_SECRET } from '../integration/support';
import { chromiumMissing, launchChromium, mention } from './support';

// The console's routing controls in headless Chromium against the local system: an agent switches
// themself available and away in the top bar; a supervisor's assign control lists the case team's
// agents with their status and load, and assigning from it gives the case to the one chosen.

const missing = chromiumMissing();
if (missing && process.env.CI) throw new Error(`CI needs Chromium for the console test: ${missing}`);

async function call(system: LocalSystem, method: string, path: string, token: string, body?: unknown) {
  const response = await fetch(`${system.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

(missing ? test.skip : test)(
  "the console sets an agent's status and assigns from the team's agents with their load",
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
        slaIntervalMs: 3_600_000,
      });
      const local = system;
      const token: Record<string, string> = {};
      for (const [id, name, role, capacity] of [
        ['sue', 'Sue Bakker', 'supervisor', 5],
        ['ann', 'Ann Smit', 'agent', 4],
        ['bob', 'Bob Visser', 'agent', 6],
      ] as const) {
        const added = await call(local, 'POST', '/api/agents', API_TOKEN, {
          id,
          name,
          role,
          brands: ['demoair'],
          // The demo brand's rules send everything else to its "care" team.
          teams: id === 'sue' ? [] : ['care'],
          capacity,
        });
        assert.equal(added.status, 201);
        token[id] = String(added.body.token);
      }
      // Ann works two cases already (auto-assigned); Bob is away.
      assert.equal(
        (await call(local, 'PUT', '/api/me/status', token.ann!, { status: 'available' })).status,
        200,
      );
      const posts = ['1899000000000000001', '1899000000000000002'];
      for (const [i, id] of posts.entries()) {
        const text = `@DemoAir my invoice ${i} is wrong, can someone help`;
        await postX(
          local.url,
          mention({ id, author: `77${i}`, handle: `cust${i}`, name: `Customer ${i}`, text }),
        );
      }
      // Through the webhook, the queue and triage: minutes on a loaded machine.
      await waitFor(
        'two cases for Ann',
        async () => {
          const cases = await Promise.all(posts.map((id) => local.store.getCase(`x-${id}`)));
          return cases.every((c) => c?.assignee === 'ann') ? true : undefined;
        },
        300_000,
      );

      browser = await launchChromium();
      const page = await browser.context.newPage();
      page.setDefaultTimeout(20_000);

      // Bob signs in away and makes himself available from the top bar; a third case then comes to him
      // (fewer open cases than Ann).
      await page.goto(`${local.url}/#token=${token.bob}`);
      await page.waitForSelector('[data-testid=status]');
      assert.equal((await page.locator('[data-testid=status]').textContent())?.trim(), '○ Away');
      await page.click('[data-testid=status]');
      await page.locator('[data-testid=status]', { hasText: 'Available' }).waitFor();
      const me = await call(local, 'GET', '/api/me', token.bob!);
      assert.equal(me.body.status, 'available');
      await postX(
        local.url,
        mention({
          id: '1899000000000000003',
          author: '779',
          handle: 'cust9',
          name: 'Customer 9',
          text: '@DemoAir my invoice is wrong too',
        }),
      );
      const third = await waitFor(
        'the third case for Bob',
        async () => {
          const c = await local.store.getCase('x-1899000000000000003');
          return c?.assignee ? c : undefined;
        },
        300_000,
      );
      assert.equal(third.assignee, 'bob');
      // And away again: the console says so, the API agrees.
      await page.click('[data-testid=status]');
      await page.locator('[data-testid=status]', { hasText: 'Away' }).waitFor();
      assert.equal((await call(local, 'GET', '/api/me', token.bob!)).body.status, 'away');
      // An agent has no assign control.
      await page.goto(`${local.url}/#/cases/x-${posts[0]}`);
      await page.waitForSelector('[data-testid=case-status]');
      assert.equal(await page.locator('#assign-to').count(), 0);

      // Sue, the supervisor, opens Ann's first case: the list shows the care team with status and load.
      await page.goto('about:blank');
      await page.goto(`${local.url}/#token=${token.sue}`);
      await page.locator('.me', { hasText: 'Sue Bakker' }).waitFor();
      await page.goto(`${local.url}/#/cases/x-${posts[0]}`);
      await page.waitForSelector('[data-testid=assignee-bob]', { state: 'attached' });
      assert.equal((await page.locator('[data-testid=team]').textContent())?.trim(), 'Team: care');
      const options = await page.locator('#assign-to option').allTextContents();
      assert.deepEqual(options, [
        'Choose an agent…',
        'Ann Smit · available · 2/4 open',
        'Bob Visser · away · 1/6 open',
      ]);
      // She gives it to Bob: the case is his, and the loads follow.
      await page.selectOption('#assign-to', 'bob');
      await page.getByRole('button', { name: 'Assign' }).click();
      await page.locator('.pill', { hasText: 'Owner: bob' }).waitFor();
      await page
        .locator('[data-testid=assignee-bob]', { hasText: '2/6 open' })
        .waitFor({ state: 'attached' });
      assert.equal((await local.store.getCase(`x-${posts[0]}`))?.assignee, 'bob');
      const list = await call(local, 'GET', `/api/cases/x-${posts[0]}/assignees`, token.sue!);
      assert.deepEqual(
        (list.body.agents as Array<{ id: string; openCases: number }>).map((a) => [a.id, a.openCases]),
        [
          ['ann', 1],
          ['bob', 2],
        ],
      );
    } finally {
      await browser?.close();
      await system?.stop();
    }
  },
);
