import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { type TopicDefinition, TopicMatcher } from '../../functions/core/topics';

const AIRLINE: TopicDefinition[] = [
  {
    name: 'delay',
    keywords: ['delay', 'late', 'on hold', 'waiting on the tarmac'],
    examples: ['still not boarded'],
  },
  { name: 'cancellation', keywords: ['cancel', 'cancelled', 'canceled', 'cancellation'] },
  { name: 'baggage', keywords: ['bag', 'baggage', 'luggage', 'suitcase'], examples: ['lost my bag'] },
  { name: 'refund', keywords: ['refund', 'money back', 'compensation', 'voucher'] },
  { name: 'booking', keywords: ['booking', 'book', 'seat', 'ticket', 'reservation', 'check in', 'check-in'] },
  { name: 'staff', keywords: ['crew', 'staff', 'agent', 'pilot', 'rude'] },
  { name: 'praise', keywords: ['thank you', 'thanks', 'great', 'amazing', 'love'] },
];

test('topics: the topic with the most evidence, ties to the earlier one, none to null', () => {
  const matcher = new TopicMatcher(AIRLINE);
  const table: Array<[string, string | null]> = [
    ['my flight is delayed 3 hours', 'delay'],
    ['Flight KL123 DELAYS again', 'delay'],
    ['you cancelled my flight and I want a refund', 'cancellation'],
    ['where is my suitcase? lost my bag at AMS', 'baggage'],
    ['I want my money back and compensation', 'refund'],
    ['can I change my seat on booking ABC123', 'booking'],
    ['the crew were so rude', 'staff'],
    ['thanks, great flight!', 'praise'],
    ['hello there', null],
    ['baggy trousers', null],
    ['we are still not boarded', 'delay'],
  ];
  for (const [text, topic] of table) assert.equal(matcher.match(text).topic, topic, text);
});

test('topics: the match says which keywords and phrases decided', () => {
  const match = new TopicMatcher(AIRLINE).match('lost my bag and my suitcase');
  assert.deepEqual(match, { topic: 'baggage', matched: ['bag', 'suitcase', 'lost my bag'] });
});

test('topics: multi-word keywords match across spaces, whole words only', () => {
  const matcher = new TopicMatcher([{ name: 'hold', keywords: ['on hold'] }]);
  assert.equal(matcher.match('2 hours on  hold').topic, 'hold');
  assert.equal(matcher.match('moon holder').topic, null);
});
