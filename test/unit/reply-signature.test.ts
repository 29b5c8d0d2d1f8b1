import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { signatureSuffix, withSignature } from '../../functions/core/reply-rules';

test('a public reply is signed once: a text that already ends with the signature is left as it is', () => {
  const table: Array<[text: string, signature: 'none' | 'initials' | 'name', agent: string, posted: string]> =
    [
      ['We are on it.', 'initials', 'Sam Jansen', 'We are on it. ^SJ'],
      ['We are on it. ^SJ', 'initials', 'Sam Jansen', 'We are on it. ^SJ'],
      ['We are on it.^SJ', 'initials', 'Sam Jansen', 'We are on it.^SJ'],
      ['We are on it. ^sj', 'initials', 'Sam Jansen', 'We are on it. ^sj'],
      // Someone else's initials are not this agent's signature.
      ['We are on it. ^AB', 'initials', 'Sam Jansen', 'We are on it. ^AB ^SJ'],
      ['Safe travels! – Sam', 'name', 'Sam Jansen', 'Safe travels! – Sam'],
      ['Safe travels! - Sam', 'name', 'Sam Jansen', 'Safe travels! - Sam'],
      ['Safe travels! —Sam', 'name', 'Sam Jansen', 'Safe travels! —Sam'],
      ['Safe travels!', 'name', 'Sam Jansen', 'Safe travels! – Sam'],
      // "Sam" inside a word or mid-sentence is not a signature.
      ['Ask for Sam at the desk', 'name', 'Sam Jansen', 'Ask for Sam at the desk – Sam'],
      ['Safe travels!', 'none', 'Sam Jansen', 'Safe travels!'],
    ];
  for (const [text, signature, agent, posted] of table)
    assert.equal(withSignature(text, signature, agent), posted, `${signature}: ${text}`);
  assert.equal(signatureSuffix('initials', 'sam'), ' ^S');
  // The initials an admin set in the registry sign, not ones derived from the name.
  assert.equal(withSignature('We are on it.', 'initials', 'Sam Jansen', 'SAJ'), 'We are on it. ^SAJ');
  assert.equal(withSignature('We are on it. ^SAJ', 'initials', 'Sam Jansen', 'SAJ'), 'We are on it. ^SAJ');
});
