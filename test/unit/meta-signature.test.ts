import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import {
  answerMetaChallenge,
  signMetaPayload,
  verifyMetaSignature,
} from '../../functions/channels/meta/signature';

// Hand-computed with openssl, app secret "test", the body bytes exactly as written (printf '%s'
// does not interpret the \u00e9 escape, just as Meta sends it escaped):
//   printf '%s' '<body>' | openssl dgst -sha256 -hmac test -hex
const EMPTY_PAGE = '{"object":"page","entry":[]}';
const EMPTY_PAGE_SIGNATURE = 'sha256=134aea5e23d7b52d1f5f2e53024e01d0168b65e1875b283e5c33348224f0a8cc';
const ESCAPED =
  '{"object":"page","entry":[{"id":"5000001","time":1764000000,"messaging":[{"message":{"text":"caf\\u00e9"}}]}]}';
const ESCAPED_SIGNATURE = 'sha256=e18b1cb5529b66b0e45e02a4f146c1e0e9de7f6f5aeeb0ae13e745037d2ea5b9';
const UNESCAPED_SIGNATURE = 'sha256=da672170d3a424b7bc7a00e58788c671aa1e632f8d0395739d9101ec4ad13c69';

test('X-Hub-Signature-256 matches the openssl vectors', () => {
  assert.equal(signMetaPayload('test', EMPTY_PAGE), EMPTY_PAGE_SIGNATURE);
  assert.equal(signMetaPayload('test', ESCAPED), ESCAPED_SIGNATURE);
  assert.equal(signMetaPayload('test', JSON.stringify(JSON.parse(ESCAPED))), UNESCAPED_SIGNATURE);
});

test('verification takes the exact bytes and nothing else', () => {
  const body = Buffer.from(EMPTY_PAGE);
  assert.equal(verifyMetaSignature('test', body, EMPTY_PAGE_SIGNATURE), true);
  assert.equal(
    verifyMetaSignature('test', body, ` ${EMPTY_PAGE_SIGNATURE.toUpperCase().replace('SHA256', 'sha256')} `),
    true,
    'hex case and padding',
  );
  assert.equal(verifyMetaSignature('test', body, undefined), false);
  assert.equal(verifyMetaSignature('test', body, ''), false);
  assert.equal(verifyMetaSignature('test', body, EMPTY_PAGE_SIGNATURE.slice(7)), false, 'no sha256= prefix');
  assert.equal(verifyMetaSignature('test', body, EMPTY_PAGE_SIGNATURE.replace('134a', '134b')), false);
  assert.equal(verifyMetaSignature('test', body, `${EMPTY_PAGE_SIGNATURE}0`), false, 'different length');
  assert.equal(verifyMetaSignature('other', body, EMPTY_PAGE_SIGNATURE), false, 'other secret');
  // Meta escapes non-ASCII characters: the parsed and re-serialized body is not what was signed.
  const escaped = Buffer.from(ESCAPED);
  assert.equal(verifyMetaSignature('test', escaped, ESCAPED_SIGNATURE), true);
  assert.equal(
    verifyMetaSignature('test', Buffer.from(JSON.stringify(JSON.parse(ESCAPED))), ESCAPED_SIGNATURE),
    false,
  );
});

test('the subscription challenge is echoed only for subscribe with our verify token', () => {
  const query = { 'hub.mode': 'subscribe', 'hub.verify_token': 'let-me-in', 'hub.challenge': '1158201444' };
  assert.deepEqual(answerMetaChallenge('let-me-in', query), { status: 200, challenge: '1158201444' });
  assert.equal(answerMetaChallenge('let-me-in', { ...query, 'hub.verify_token': 'let-me-out' }).status, 403);
  assert.equal(answerMetaChallenge('let-me-in', { ...query, 'hub.verify_token': 'let-me-i' }).status, 403);
  assert.equal(answerMetaChallenge('let-me-in', { ...query, 'hub.mode': 'unsubscribe' }).status, 403);
  assert.equal(answerMetaChallenge('let-me-in', { 'hub.challenge': '1' }).status, 403);
  assert.equal(answerMetaChallenge('let-me-in', undefined).status, 403);
  assert.equal(answerMetaChallenge('let-me-in', { ...query, 'hub.challenge': undefined }).status, 400);
});
