import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import {
  addOpenTime,
  type Calendar,
  closesAt,
  isOpen,
  localDateOf,
  nextOpenAt,
  openingHoursOn,
  openTimeBetween,
} from '../../functions/core/calendar';
import { calendarSchema } from '../../functions/core/calendar-schema';

const cal = (value: unknown): Calendar => calendarSchema.parse(value);
const at = (iso: string) => new Date(iso);
const H = 3_600_000;
const M = 60_000;

// Office hours in Amsterdam with a lunch break, a late Friday shift running past midnight, closed Sunday,
// and Christmas closed, Christmas Eve short.
const office = cal({
  timezone: 'Europe/Amsterdam',
  weekly: {
    mon: ['08:00-12:00', '13:00-18:00'],
    tue: ['08:00-12:00', '13:00-18:00'],
    wed: ['08:00-12:00', '13:00-18:00'],
    thu: ['08:00-12:00', '13:00-18:00'],
    fri: ['08:00-12:00', '13:00-18:00', '22:00-02:00'],
    sat: ['10:00-16:00'],
  },
  exceptions: [
    { date: '2026-12-25', name: 'Christmas Day', hours: [] },
    { date: '2026-12-24', name: 'Christmas Eve', hours: ['08:00-14:00'] },
  ],
});

test('no weekly section means open around the clock', () => {
  const always = cal({ timezone: 'UTC' });
  assert.equal(isOpen(always, at('2026-11-29T03:00:00Z')), true);
  assert.deepEqual(addOpenTime(always, at('2026-11-23T10:00:00Z'), 90 * M), at('2026-11-23T11:30:00Z'));
});

test('split shift: the lunch break does not count', () => {
  // Monday 23 Nov 2026, 11:30 Amsterdam (10:30Z) + 1 h = 30 min before lunch, 30 min after: 13:30 local.
  assert.deepEqual(addOpenTime(office, at('2026-11-23T10:30:00Z'), H), at('2026-11-23T12:30:00Z'));
  assert.equal(isOpen(office, at('2026-11-23T11:30:00Z')), false, '12:30 local is lunch');
});

test('a deadline crosses a closed night', () => {
  // Monday 17:30 local + 1 h: 30 min today, 30 min from 08:00 Tuesday.
  assert.deepEqual(addOpenTime(office, at('2026-11-23T16:30:00Z'), H), at('2026-11-24T07:30:00Z'));
});

test('overnight shift belongs to the day it starts and runs past midnight', () => {
  // Saturday 01:00 local is inside Friday's 22:00-02:00 window.
  assert.equal(isOpen(office, at('2026-11-28T00:00:00Z')), true);
  assert.deepEqual(closesAt(office, at('2026-11-28T00:00:00Z')), at('2026-11-28T01:00:00Z'));
  // Friday 23:30 local + 1 h is still inside the night shift.
  assert.deepEqual(addOpenTime(office, at('2026-11-27T22:30:00Z'), H), at('2026-11-27T23:30:00Z'));
  // Saturday 01:30 local + 1 h: 30 min to 02:00, then Saturday opens 10:00: 10:30 local.
  assert.deepEqual(addOpenTime(office, at('2026-11-28T00:30:00Z'), H), at('2026-11-28T09:30:00Z'));
  assert.deepEqual(openingHoursOn(office, '2026-11-27').windows.at(-1), {
    from: '22:00',
    to: '02:00',
    overnight: true,
  });
});

test('a holiday is closed and a deadline skips it', () => {
  assert.equal(isOpen(office, at('2026-12-25T10:00:00Z')), false);
  assert.deepEqual(openingHoursOn(office, '2026-12-25'), {
    date: '2026-12-25',
    weekday: 'fri',
    closed: true,
    windows: [],
    exception: 'Christmas Day',
  });
  // Thursday 24 Dec 13:30 local + 1 h: 30 min until 14:00, Christmas closed (no late shift either),
  // Saturday 26 Dec from 10:00: 10:30 local = 09:30Z.
  assert.deepEqual(addOpenTime(office, at('2026-12-24T12:30:00Z'), H), at('2026-12-26T09:30:00Z'));
  assert.deepEqual(nextOpenAt(office, at('2026-12-25T12:00:00Z')), at('2026-12-26T09:00:00Z'));
});

test('DST: the clocks going forward and back do not shift opening hours', () => {
  // Sunday 29 March 2026 Europe goes to summer time; Monday 30 March opens 08:00 CEST = 06:00Z.
  assert.deepEqual(nextOpenAt(office, at('2026-03-29T12:00:00Z')), at('2026-03-30T06:00:00Z'));
  // Sunday 25 October 2026 back to winter time; Monday 26 October opens 08:00 CET = 07:00Z.
  assert.deepEqual(nextOpenAt(office, at('2026-10-25T12:00:00Z')), at('2026-10-26T07:00:00Z'));
  // A 24/7 clock across the spring change counts real elapsed time: 3 h later is 3 h later.
  const always = cal({ timezone: 'Europe/Amsterdam' });
  assert.deepEqual(addOpenTime(always, at('2026-03-29T00:30:00Z'), 3 * H), at('2026-03-29T03:30:00Z'));
});

test('an overnight window on the night the clocks go back lasts an hour longer', () => {
  const night = cal({ timezone: 'Europe/Amsterdam', weekly: { sat: ['22:00-06:00'] } });
  // 24-25 October 2026: 22:00 CEST (20:00Z) to 06:00 CET (05:00Z) is 9 hours.
  assert.equal(openTimeBetween(night, at('2026-10-24T00:00:00Z'), at('2026-10-26T00:00:00Z')), 9 * H);
});

test('open time between two instants counts only open hours', () => {
  // Monday 07:00 to 19:00 local: 4 h + 5 h.
  assert.equal(openTimeBetween(office, at('2026-11-23T06:00:00Z'), at('2026-11-23T18:00:00Z')), 9 * H);
  assert.equal(openTimeBetween(office, at('2026-11-23T18:00:00Z'), at('2026-11-23T06:00:00Z')), 0);
});

test("the server timezone does not matter: dates are the calendar's", () => {
  const tokyo = cal({ timezone: 'Asia/Tokyo', weekly: { mon: ['09:00-17:00'] } });
  // 2026-11-22T23:30Z is already Monday 08:30 in Tokyo.
  assert.equal(localDateOf(tokyo, at('2026-11-22T23:30:00Z')), '2026-11-23');
  assert.deepEqual(nextOpenAt(tokyo, at('2026-11-22T23:30:00Z')), at('2026-11-23T00:00:00Z'));
});

test('bad calendars are refused with the field named', () => {
  const problems = calendarSchema.safeParse({
    timezone: 'Europe/Amsterdm',
    weekly: { mon: ['8-17'], sun: ['10:00-10:00'], funday: [] },
    exceptions: [{ date: '2026-02-30x', hours: [] }],
  });
  assert.equal(problems.success, false);
  const paths = problems.error!.issues.map((i) => i.path.join('.')).sort();
  assert.deepEqual(paths, ['exceptions.0.date', 'timezone', 'weekly', 'weekly.mon.0', 'weekly.sun.0']);
  assert.equal(
    calendarSchema.safeParse({ timezone: 'UTC', weekly: { mon: [] } }).success,
    false,
    'never open',
  );
});

test('a calendar that never opens is an error, not a loop', () => {
  const closed = cal({ timezone: 'UTC', weekly: { mon: ['09:00-10:00'] }, exceptions: [] });
  closed.weekly = {};
  assert.throws(() => addOpenTime(closed, at('2026-11-23T00:00:00Z'), H), /no open time within 400 days/);
});
