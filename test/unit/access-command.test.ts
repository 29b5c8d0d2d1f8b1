import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from '@jest/globals';
import { addAgent, listAgents, removeAgent } from '../../functions/cli/access-command';

function collector() {
  let text = '';
  const output = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { output, text: () => text };
}

test('agents add posts the agent and prints its token once with the console link', async () => {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetchImpl = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(JSON.stringify({ id: 'agent-1', token: 'sc_secret' }), { status: 201 });
  }) as typeof fetch;
  const { output, text } = collector();
  await addAgent({
    url: 'http://127.0.0.1:3000/',
    token: 'admin',
    fetchImpl,
    output,
    agent: { name: 'Sue Bakker', brands: ['demoair'], role: 'supervisor', teams: ['care'] },
  });
  assert.equal(calls[0]!.url, 'http://127.0.0.1:3000/api/agents');
  assert.equal(calls[0]!.init.method, 'POST');
  assert.deepEqual(JSON.parse(String(calls[0]!.init.body)), {
    name: 'Sue Bakker',
    brands: ['demoair'],
    role: 'supervisor',
    teams: ['care'],
  });
  assert.deepEqual((calls[0]!.init.headers as Record<string, string>).authorization, 'Bearer admin');
  assert.match(text(), /token \(shown once; give it to the agent\): sc_secret\n/);
  assert.match(text(), /console sign-in link: http:\/\/127\.0\.0\.1:3000\/#token=sc_secret\n/);
});

test('agents list and remove: one line per agent; the API’s refusal named', async () => {
  const agents = [{ id: 'a1', name: 'Ana', initials: 'A', role: 'agent', brands: ['demoair'], teams: [] }];
  const { output, text } = collector();
  await listAgents({
    url: 'http://x',
    token: 't',
    output,
    fetchImpl: (async () => new Response(JSON.stringify({ agents }))) as unknown as typeof fetch,
  });
  assert.equal(text(), 'a1\tAna (A)\tagent\tdemoair\n');
  await assert.rejects(
    removeAgent({
      url: 'http://x',
      token: 't',
      id: 'a1',
      output,
      fetchImpl: (async () =>
        new Response(JSON.stringify({ error: 'your role (agent) may not do this: agent.manage' }), {
          status: 403,
        })) as unknown as typeof fetch,
    }),
    /the API answered 403: your role \(agent\) may not do this: agent.manage/,
  );
  await assert.rejects(
    removeAgent({
      url: 'http://127.0.0.1:1',
      token: 't',
      id: 'a1',
      output,
      fetchImpl: (async () => {
        throw new TypeError('fetch failed');
      }) as unknown as typeof fetch,
    }),
    /http:\/\/127\.0\.0\.1:1\/api\/agents\/a1 did not answer \(fetch failed\): is socialcare running there\?/,
  );
});
