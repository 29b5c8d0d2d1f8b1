import type { calendarSchema } from './calendar-schema';
import type * as z from './schema';

/**
 * Calendars: when a brand's care team works (deadline clocks run only then) and when a location is
 * open (the FAQ bot's opening hours). Weekly windows in the calendar's own timezone, split shifts,
 * overnight shifts (a window whose end is before its start belongs to the day it starts), and dated
 * exceptions such as holidays. No weekly section means open around the clock.
 * All arithmetic is in the calendar's timezone via Intl, so DST and the server's TZ never matter.
 */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** A calendar as validated by calendarSchema (calendar-schema.ts), where the config enters. */
export type Calendar = z.infer<typeof calendarSchema>;

// ---------------------------------------------------------------- timezone arithmetic

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timezone: string): Intl.DateTimeFormat {
  let found = formatters.get(timezone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timezone, found);
  }
  return found;
}

interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallTime(timezone: string, ms: number): WallTime {
  const parts: Record<string, number> = {};
  for (const part of formatter(timezone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year as number,
    month: parts.month as number,
    day: parts.day as number,
    hour: parts.hour as number,
    minute: parts.minute as number,
    second: parts.second as number,
  };
}

/** The timezone's offset from UTC at an instant, in ms. */
function offsetAt(timezone: string, ms: number): number {
  const w = wallTime(timezone, ms);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(ms / 1000) * 1000;
}

/** The instant a local wall-clock time happens. A time skipped by DST moves forward by the gap. */
function instantOf(timezone: string, date: string, minutes: number): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d) + minutes * 60_000;
  let instant = guess - offsetAt(timezone, guess);
  const offset = offsetAt(timezone, instant);
  if (guess - instant !== offset) instant = guess - offset;
  return instant;
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export function weekdayOf(date: string): Weekday {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()] as Weekday;
}

/** The calendar's local date ("YYYY-MM-DD") at an instant. */
export function localDateOf(calendar: Pick<Calendar, 'timezone'>, at: Date): string {
  const w = wallTime(calendar.timezone, at.getTime());
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/** The calendar's local time ("HH:mm") at an instant. */
export function localTimeOf(calendar: Pick<Calendar, 'timezone'>, at: Date): string {
  const w = wallTime(calendar.timezone, at.getTime());
  return `${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`;
}

// ---------------------------------------------------------------- open intervals

interface DayWindows {
  windows: string[];
  exception?: string;
}

function windowsOn(calendar: Calendar, date: string): DayWindows {
  const exception = calendar.exceptions.find((e) => e.date === date);
  if (exception)
    return { windows: exception.hours, ...(exception.name ? { exception: exception.name } : {}) };
  if (!calendar.weekly) return { windows: ['00:00-24:00'] };
  return { windows: calendar.weekly[weekdayOf(date)] ?? [] };
}

type Interval = [number, number];

/** Open intervals (UTC ms) of windows that start on a local date. */
function intervalsStartingOn(calendar: Calendar, date: string): Interval[] {
  return windowsOn(calendar, date).windows.map((window) => {
    const from = minutesOf(window.slice(0, 5));
    const to = minutesOf(window.slice(6));
    const start = instantOf(calendar.timezone, date, from);
    const end =
      to > from ? instantOf(calendar.timezone, date, to) : instantOf(calendar.timezone, addDays(date, 1), to);
    return [start, end] as Interval;
  });
}

/** Merged open intervals overlapping [from, to). */
function openIntervals(calendar: Calendar, from: number, to: number): Interval[] {
  const first = addDays(localDateOf(calendar, new Date(from)), -1);
  const last = localDateOf(calendar, new Date(to));
  const all: Interval[] = [];
  for (let date = first; date <= last; date = addDays(date, 1)) {
    for (const [start, end] of intervalsStartingOn(calendar, date)) {
      if (end > from && start < to) all.push([Math.max(start, from), Math.min(end, to)]);
    }
  }
  all.sort((a, b) => a[0] - b[0]);
  const merged: Interval[] = [];
  for (const interval of all) {
    const previous = merged[merged.length - 1];
    if (previous && interval[0] <= previous[1]) previous[1] = Math.max(previous[1], interval[1]);
    else merged.push([...interval]);
  }
  return merged;
}

const DAY = 86_400_000;
const SEARCH_LIMIT_DAYS = 400;

export function isOpen(calendar: Calendar, at: Date): boolean {
  const t = at.getTime();
  return openIntervals(calendar, t, t + 1).length > 0;
}

/** `at` itself when open, else the next opening; undefined if it does not open within a year. */
export function nextOpenAt(calendar: Calendar, at: Date): Date | undefined {
  let from = at.getTime();
  for (let week = 0; week * 7 < SEARCH_LIMIT_DAYS; week++) {
    const [first] = openIntervals(calendar, from, from + 7 * DAY);
    if (first) return new Date(first[0]);
    from += 7 * DAY;
  }
  return undefined;
}

/** When the current open stretch ends (undefined when closed at `at`). */
export function closesAt(calendar: Calendar, at: Date): Date | undefined {
  const t = at.getTime();
  const intervals = openIntervals(calendar, t, t + 8 * DAY);
  const first = intervals[0];
  return first && first[0] <= t ? new Date(first[1]) : undefined;
}

/** Open time between two instants, in ms: how much of a deadline's clock has run. */
export function openTimeBetween(calendar: Calendar, from: Date, to: Date): number {
  if (to <= from) return 0;
  return openIntervals(calendar, from.getTime(), to.getTime()).reduce((sum, [a, b]) => sum + (b - a), 0);
}

export class CalendarNeverOpenError extends Error {
  constructor(timezone: string) {
    super(`calendar (${timezone}) has no open time within ${SEARCH_LIMIT_DAYS} days`);
    this.name = 'CalendarNeverOpenError';
  }
}

/** The instant at which `durationMs` of open time has passed since `start`. */
export function addOpenTime(calendar: Calendar, start: Date, durationMs: number): Date {
  let remaining = durationMs;
  let from = start.getTime();
  if (remaining <= 0) return nextOpenAt(calendar, start) ?? start;
  for (let week = 0; week * 7 < SEARCH_LIMIT_DAYS; week++) {
    const to = from + 7 * DAY;
    for (const [a, b] of openIntervals(calendar, from, to)) {
      if (b - a >= remaining) return new Date(a + remaining);
      remaining -= b - a;
    }
    from = to;
  }
  throw new CalendarNeverOpenError(calendar.timezone);
}

export interface DayHours {
  date: string;
  weekday: Weekday;
  closed: boolean;
  windows: Array<{ from: string; to: string; overnight: boolean }>;
  /** The name of the exception (holiday, closure) that replaces the usual hours that day. */
  exception?: string;
}

/** The hours of a local date, as a person reads them: windows that start that day. */
export function openingHoursOn(calendar: Calendar, date: string): DayHours {
  const { windows, exception } = windowsOn(calendar, date);
  const parsed = windows
    .map((w) => ({
      from: w.slice(0, 5),
      to: w.slice(6),
      overnight: minutesOf(w.slice(6)) <= minutesOf(w.slice(0, 5)),
    }))
    .sort((a, b) => a.from.localeCompare(b.from));
  return {
    date,
    weekday: weekdayOf(date),
    closed: parsed.length === 0,
    windows: parsed,
    ...(exception ? { exception } : {}),
  };
}
