import assert from 'node:assert/strict';
import { afterAll, beforeAll, test } from '@jest/globals';
import { signGenericPayload } from '../../functions/channels/generic/signature';
import { signMetaPayload } from '../../functions/channels/meta/signature';
import {
  LOCAL_GENERIC_SECRETS,
  LOCAL_META_APP_SECRET,
  LOCAL_META_VERIFY_TOKEN,
  type LocalSystem,
  startLocalSystem,
} from '../../functions/local-runtime/runtime';
import { demoConfig, fixture } from '../helpers';
import { API_TOKEN, api, waitFor, X_SECRET } from './support';

const INSTAGRAM_ID = '17841400000000001';

/** The demo airline with an Instagram account beside its Facebook page. */
function configWithInstagram() {
  const config = demoConfig();
  const [brand, ...others] = config.brands;
  return {
    ...config,
    brands: [
      {
        ...brand!,
        accounts: [
          ...brand!.accounts,
          { platform: 'instagram' as const, id: INSTAGRAM_ID, handle: 'demoair', role: 'care' as const },
        ],
      },
      ...others,
    ],
  };
}

let system: LocalSystem;
beforeAll(async () => {
  system = await startLocalSystem({
    brandConfig: configWithInstagram(),
    port: 0,
    apiToken: API_TOKEN,
    xConsumerSecret: X_SECRET,
  });
});
afterAll(() => system?.stop());

async function postMeta(body: string, signature = signMetaPayload(LOCAL_META_APP_SECRET, body)) {
  const response = await fetch(`${system.url}/webhooks/meta`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
    body,
  });
  return response.status;
}

/** An agent's request, as the administrator of SOCIALCARE_API_TOKEN. */
async function agent(path: string, payload: unknown) {
  const response = await fetch(`${system.url}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${API_TOKEN}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(payload),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const caseOf = async (caseId: string) => {
  const { status, body } = await api(system.url, `/api/cases/${encodeURIComponent(caseId)}`);
  return status === 200
    ? (body.case as {
        version: number;
        status: string;
        platform: string;
        firstResponseDueAt: string;
        openedAt: string;
      })
    : undefined;
};

test('the Meta subscription challenge', async () => {
  const ok = await fetch(
    `${system.url}/webhooks/meta?hub.mode=subscribe&hub.verify_token=${LOCAL_META_VERIFY_TOKEN}&hub.challenge=1158201444`,
  );
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), '1158201444');
  assert.equal(
    (await fetch(`${system.url}/webhooks/meta?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`))
      .status,
    403,
  );
});

test('a Facebook comment becomes a case; the agent reply goes in the comment thread from the page', async () => {
  const body = fixture('meta/page-feed-batch.json');
  assert.equal(await postMeta(body, 'sha256=0000'), 401);
  assert.equal(await postMeta(body), 200);
  // Sam's comments in the batch join one case, opened by the earliest.
  const caseId = await waitFor('the comment case', async () => {
    const cases = (await api(system.url, '/api/cases')).body.cases as Array<{
      caseId: string;
      customer: { id: string };
    }>;
    return cases.find((c) => c.customer.id === '6100000000000001')?.caseId;
  });
  await system.drained();
  const found = (await caseOf(caseId))!;
  assert.equal(found.platform, 'facebook');
  const reply = await agent(`/api/cases/${caseId}/reply`, {
    version: found.version,
    visibility: 'public',
    text: 'So sorry, Sam. Your suitcase is on tonight’s flight; we will deliver it tomorrow morning.',
    requestId: 'req-fb-comment-1',
  });
  assert.equal(reply.status, 202, JSON.stringify(reply.body));
  const [sent] = await waitFor('the comment reply at the Graph stand-in', async () => {
    const posts = system.standIn.sent.filter((p) => p.platform === 'facebook' && p.kind === 'comment_reply');
    return posts.length ? posts : undefined;
  });
  assert.equal(sent?.inReplyToId, '700000000000001_800000000000002', "in the thread of Sam's last comment");
  assert.equal(sent?.accountId, '5000001');
});

test('an Instagram mention notified by id is read from the Graph API before triage: its case has the text and the author', async () => {
  system.standIn.addInstagramMention({
    mediaId: '17918195224117999',
    commentId: '17894227972186999',
    text: '@demoair two hours at the transfer desk and still no hotel voucher',
    username: 'kim.travels',
    timestamp: new Date(Date.now() - 60_000).toISOString(),
  });
  const body = JSON.stringify({
    object: 'instagram',
    entry: [
      {
        id: INSTAGRAM_ID,
        time: Math.floor(Date.now() / 1000),
        changes: [
          { field: 'mentions', value: { comment_id: '17894227972186999', media_id: '17918195224117999' } },
          // Deleted before triage read it: still a case, with the reason.
          { field: 'mentions', value: { comment_id: '17894227972186998', media_id: '17918195224117999' } },
        ],
      },
    ],
  });
  assert.equal(await postMeta(body), 200);
  const read = await waitFor('the mention case', async () => {
    const { status, body } = await api(system.url, '/api/cases/instagram-17894227972186999');
    return status === 200 ? body : undefined;
  });
  const messages = read.messages as Array<{ text: string }>;
  assert.equal(messages[0]?.text, '@demoair two hours at the transfer desk and still no hotel voucher');
  const careCase = read.case as { customer: { id: string; handle?: string }; sentiment: string };
  assert.deepEqual(
    [careCase.customer.id, careCase.customer.handle],
    ['instagram-user:kim.travels', 'kim.travels'],
  );
  assert.equal(careCase.sentiment, 'NEGATIVE');

  const unread = await waitFor('the unreadable mention case', async () => {
    const { status, body } = await api(system.url, '/api/cases/instagram-17894227972186998');
    return status === 200 ? body : undefined;
  });
  assert.match(
    (unread.messages as Array<{ text: string }>)[0]?.text ?? '',
    /open it on Instagram\] \(Instagram did not give its text: Graph API 400 \(code 100\)/,
  );
});

test('a Messenger message answered outside the 24-hour window goes with the human-agent tag', async () => {
  const sentAt = Date.now() - 25 * 3_600_000;
  const payload = {
    object: 'page',
    entry: [
      {
        id: '5000001',
        time: sentAt,
        messaging: [
          {
            sender: { id: '7100000000000099' },
            recipient: { id: '5000001' },
            timestamp: sentAt,
            message: { mid: 'mid.old:1', text: 'My refund for booking DA123 has not arrived' },
          },
        ],
      },
    ],
  };
  assert.equal(await postMeta(JSON.stringify(payload)), 200);
  const caseId = 'facebook-mid.old:1';
  const found = await waitFor('the Messenger case', () => caseOf(caseId));
  const reply = await agent(`/api/cases/${caseId}/reply`, {
    version: found.version,
    visibility: 'private',
    text: 'The refund was sent today and should show within 5 working days.',
    requestId: 'req-messenger-old-1',
  });
  assert.equal(reply.status, 202, JSON.stringify(reply.body));
  const [sent] = await waitFor('the message at the Graph stand-in', async () => {
    const posts = system.standIn.sent.filter(
      (p) => p.platform === 'facebook' && p.kind === 'message' && p.recipientId === '7100000000000099',
    );
    return posts.length ? posts : undefined;
  });
  assert.equal(sent?.messagingType, 'MESSAGE_TAG');
  assert.equal(sent?.tag, 'HUMAN_AGENT');
});

test('a signed review becomes a case with the review deadline policy; replies are answered at the source', async () => {
  const body = JSON.stringify({
    source: 'reviews',
    brandId: 'demoair',
    id: 'yelp-review-1',
    url: 'https://www.yelp.example/biz/demoair?hrid=1',
    author: { id: 'u1', name: 'Pat' },
    text: 'Lost my bag and nobody called back. One star.',
    time: new Date().toISOString(),
    rating: 1,
  });
  const t = Math.floor(Date.now() / 1000);
  const headers = { 'content-type': 'application/json', 'x-socialcare-source': 'reviews' };
  const signature = signGenericPayload(LOCAL_GENERIC_SECRETS.reviews!, t, body);
  const stale = signGenericPayload(LOCAL_GENERIC_SECRETS.reviews!, t - 3600, body);
  assert.equal(
    (
      await fetch(`${system.url}/webhooks/generic`, {
        method: 'POST',
        headers: { ...headers, 'x-socialcare-signature': stale },
        body,
      })
    ).status,
    401,
  );
  const ok = await fetch(`${system.url}/webhooks/generic`, {
    method: 'POST',
    headers: { ...headers, 'x-socialcare-signature': signature },
    body,
  });
  assert.equal(ok.status, 200);
  const caseId = 'generic-reviews:yelp-review-1';
  const found = await waitFor('the review case', () => caseOf(caseId));
  // Negative review: high priority, 4 hours under the demo airline's review policy.
  assert.equal(Date.parse(found.firstResponseDueAt) - Date.parse(found.openedAt), 4 * 3_600_000);
  const reply = await agent(`/api/cases/${encodeURIComponent(caseId)}/reply`, {
    version: found.version,
    visibility: 'public',
    text: 'Sorry, Pat',
    requestId: 'req-review-1',
  });
  assert.equal(reply.status, 400);
  assert.match(String(reply.body.error), /answered at the source: https:\/\/www\.yelp\.example/);
});

test('one customer across channels: linked identities and a CRM id give one history', async () => {
  const link = await agent('/api/customers/demoair/facebook/7100000000000099/links', {
    platform: 'x',
    id: '3001969357',
  });
  assert.equal(link.status, 200);
  assert.equal(
    (await agent('/api/customers/demoair/facebook/7100000000000099/links', { platform: 'email', id: '1' }))
      .status,
    400,
  );
  const crm = await fetch(`${system.url}/api/customers/demoair/facebook/7100000000000099/crm`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${API_TOKEN}` },
    body: JSON.stringify({ crmId: 'CRM-0042' }),
  });
  assert.equal(crm.status, 200);
  // An X mention from the linked identity: its case shows the Messenger case in the customer's history.
  const payload = JSON.parse(fixture('x/mention.json'));
  payload.tweet_create_events[0].id_str = '1860000000000000555';
  const { signXPayload } = await import('../../functions/channels/x/signature');
  const body = JSON.stringify(payload);
  await fetch(`${system.url}/webhooks/x`, {
    method: 'POST',
    headers: { 'x-twitter-webhooks-signature': signXPayload(X_SECRET, body) },
    body,
  });
  const view = await waitFor('the X case', async () => {
    const found = await api(system.url, '/api/cases/x-1860000000000000555');
    return found.status === 200 ? found.body : undefined;
  });
  const customer = view.customer as { links: unknown[]; cases: Array<{ caseId: string }> };
  assert.deepEqual(customer.links, [{ platform: 'facebook', id: '7100000000000099' }]);
  assert.ok(
    customer.cases.some((c) => c.caseId === 'facebook-mid.old:1'),
    'the Messenger case is in the history',
  );
  const messengerView = (await api(system.url, `/api/cases/${encodeURIComponent('facebook-mid.old:1')}`))
    .body;
  assert.equal((messengerView.customer as { crmId: string }).crmId, 'CRM-0042');
});
