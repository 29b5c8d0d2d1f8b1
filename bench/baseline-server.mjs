// The baseline of the acknowledgement bench: a bare Node HTTP server that reads the body, checks the same
// X signature (HMAC-SHA256 over the raw body, constant-time compare) and answers 200. Nothing else.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const secret = process.env.X_CONSUMER_SECRET ?? 'bench-secret';
const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks);
    const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('base64')}`);
    const given = Buffer.from(String(request.headers['x-twitter-webhooks-signature'] ?? ''));
    const ok = given.length === expected.length && timingSafeEqual(given, expected);
    response.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
    response.end(ok ? '{"accepted":1}' : '{"error":"invalid signature"}');
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
