// The load generator, in a process of its own: autocannon POSTs signed X mentions, each with a fresh
// tweet id and author, and prints autocannon's result as one JSON line on stdout.
// Usage: node bench/load-worker.mjs '{"url":…,"secret":…,"durationSeconds":10,"connections":10,"rate":0,"idBase":"…"}'
import { createHmac } from 'node:crypto';
import autocannon from 'autocannon';

const config = JSON.parse(process.argv[2] ?? '{}');
let next = 0;
const base = BigInt(config.idBase ?? '8000000000000000000');

function mentionBody() {
  const n = next++;
  return JSON.stringify({
    for_user_id: config.forUserId ?? '4000001',
    user_has_blocked: 'false',
    tweet_create_events: [
      {
        created_at: new Date().toUTCString(),
        id_str: String(base + BigInt(n)),
        text: '@DemoAir my flight was delayed three hours and nobody at the desk could tell us anything',
        in_reply_to_status_id_str: null,
        in_reply_to_user_id_str: '4000001',
        user: {
          id_str: String(5_000_000_000 + Number(base % 1_000_000n) * 100_000 + n),
          name: 'Bench',
          screen_name: `bench${n}`,
        },
        is_quote_status: false,
        lang: 'en',
        timestamp_ms: String(Date.now()),
      },
    ],
  });
}

const instance = autocannon(
  {
    url: `${config.url}/webhooks/x`,
    method: 'POST',
    connections: config.connections ?? 10,
    duration: config.durationSeconds ?? 10,
    ...(config.rate ? { overallRate: config.rate } : {}),
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const body = mentionBody();
          return {
            ...request,
            body,
            headers: {
              'content-type': 'application/json',
              'x-twitter-webhooks-signature': `sha256=${createHmac('sha256', config.secret).update(body).digest('base64')}`,
            },
          };
        },
      },
    ],
  },
  (error, result) => {
    if (error) {
      process.stderr.write(`${error.stack ?? error}\n`);
      process.exit(1);
    }
    process.stdout.write(`${JSON.stringify({ ...result, sentIds: next })}\n`);
  },
);
process.once('SIGTERM', () => instance.stop());
