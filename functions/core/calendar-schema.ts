import * as z from './schema';

/**
 * The schema of a calendar (calendar.ts): checked where a config enters (synth, `socialcare start`,
 * the CLI), never in a Lambda, which reads the config the stack validated; kept apart from the
 * calendar arithmetic so the Lambda bundles do not build it at every cold start.
 */
const WINDOW = /^(?<from>([01]\d|2[0-3]):[0-5]\d)-(?<to>([01]\d|2[0-3]):[0-5]\d|24:00)$/;

const windowText = z.string().check(
  z.regex(WINDOW, {
    message: 'expected a window "HH:mm-HH:mm", e.g. "08:00-20:00" or overnight "22:00-02:00"',
  }),
  z.refine((text) => text.slice(0, 5) !== text.slice(6), {
    message: 'a window cannot start and end at the same time',
  }),
);

const localDate = z
  .string()
  .check(
    z.regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: 'expected a date "YYYY-MM-DD"' }),
  );

export const timezoneSchema = z.string().check(
  z.refine(
    (value) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: value });
        return true;
      } catch {
        return false;
      }
    },
    { message: 'expected an IANA timezone such as "Europe/Amsterdam"' },
  ),
);

export const calendarSchema = z
  .strictObject({
    timezone: timezoneSchema,
    weekly: z.optional(
      z.strictObject({
        mon: z.optional(z.array(windowText)),
        tue: z.optional(z.array(windowText)),
        wed: z.optional(z.array(windowText)),
        thu: z.optional(z.array(windowText)),
        fri: z.optional(z.array(windowText)),
        sat: z.optional(z.array(windowText)),
        sun: z.optional(z.array(windowText)),
      }),
    ),
    exceptions: z._default(
      z.array(
        z.strictObject({
          date: localDate,
          name: z.optional(z.string().check(z.minLength(1))),
          hours: z.array(windowText),
        }),
      ),
      [],
    ),
  })
  .check(
    z.superRefine((calendar, ctx) => {
      if (
        calendar.weekly &&
        !Object.values(calendar.weekly).some((windows) => windows && windows.length > 0)
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['weekly'],
          message: 'a weekly calendar needs at least one open window',
        });
      }
      const seen = new Set<string>();
      calendar.exceptions.forEach((exception, index) => {
        if (seen.has(exception.date)) {
          ctx.addIssue({
            code: 'custom',
            path: ['exceptions', index, 'date'],
            message: `${exception.date} is listed twice`,
          });
        }
        seen.add(exception.date);
      });
    }),
  );
