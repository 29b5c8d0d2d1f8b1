import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { answerXCrc, signXPayload, verifyXSignature } from '../../functions/channels/x/signature';

test('X signature test vectors from docs/architecture.md (secret "test")', () => {
  assert.equal(
    signXPayload('test', '{"test_number":1,"test_string":"two"}'),
    'sha256=YWHphPn/JFq43jkF0y4/w8R/SelmLjvpunhVFY8JhlI=',
  );
  assert.equal(
    signXPayload('test', 'test=1&other_test=2'),
    'sha256=25Cu3iwbbiqBTwQRzcKJZwisjf736V2Q8UaTlkfLSoc=',
  );
});

test('CRC answer for token "foo"', () => {
  assert.deepEqual(answerXCrc('test', 'foo'), {
    response_token: 'sha256=HlU5y5rWhNi1SHftUCyOxuT6JRuDqeVBKWp1yvldR04=',
  });
});

test('verification accepts the exact bytes and nothing else', () => {
  const body = Buffer.from('{"test_number":1,"test_string":"two"}');
  const good = 'sha256=YWHphPn/JFq43jkF0y4/w8R/SelmLjvpunhVFY8JhlI=';
  assert.equal(verifyXSignature('test', body, good), true);
  assert.equal(verifyXSignature('test', body, undefined), false);
  assert.equal(verifyXSignature('test', body, ''), false);
  assert.equal(verifyXSignature('test', body, good.replace('Y', 'Z')), false);
  assert.equal(verifyXSignature('test', body, `${good}=`), false, 'different length');
  assert.equal(verifyXSignature('other', body, good), false, 'other secret');
  // Re-serialized JSON with the same meaning is not the same body.
  assert.equal(
    verifyXSignature('test', Buffer.from('{"test_number": 1, "test_string": "two"}'), good),
    false,
  );
});
