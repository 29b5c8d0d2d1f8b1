import { parseDuration } from './duration';
import { ESCALATION_SEVERITIES, PAGE_TARGETS } from './escalation';
import * as z from './schema';

/**
 * The schema of the brand config's `escalation` (escalation.ts has the policy): checked where a config
 * enters (synth, `socialcare start`, the CLI), never in a Lambda, which reads the config the stack
 * validated.
 */

const waitSchema = z.string().check(
  z.refine((value) => parseDuration(value) !== null, {
    message: 'expected a duration such as "10m" or "1h"',
  }),
);

export const levelSchema = z.strictObject({
  /** Who this level is, as people say it: "team lead", "duty manager", "head of care". */
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(60)),
  /** Where the page goes at this level (the SNS e-mail/SMS subscribers, Slack, PagerDuty). */
  targets: z
    .array(z.enum(PAGE_TARGETS))
    .check(z.minLength(1, 'name at least one of email, sms, slack, pagerduty')),
  /** How long the page waits for an acknowledgement before it climbs to the next level. */
  escalateAfter: z.optional(waitSchema),
});

const chainSchema = z
  .array(levelSchema)
  .check(z.minLength(1, 'a chain needs at least one level'), z.maxLength(10));

/**
 * The brand config's `escalation`: a chain per severity. A severity left out keeps today's single
 * level (every target, no climbing).
 */
export const escalationSchema = z
  .strictObject({
    warning: z.optional(chainSchema),
    critical: z.optional(chainSchema),
  })
  .check(
    z.superRefine((chains, ctx) => {
      for (const severity of ESCALATION_SEVERITIES) {
        const chain = chains[severity];
        if (!chain) continue;
        chain.forEach((level, i) => {
          const last = i === chain.length - 1;
          if (!last && !level.escalateAfter) {
            ctx.addIssue({
              code: 'custom',
              path: [severity, i, 'escalateAfter'],
              message: `level "${level.name}" needs escalateAfter: how long before the page climbs to "${chain[i + 1]!.name}"`,
            });
          }
          if (last && level.escalateAfter) {
            ctx.addIssue({
              code: 'custom',
              path: [severity, i, 'escalateAfter'],
              message: `level "${level.name}" is the last one: there is no level to climb to`,
            });
          }
        });
      }
    }),
  );
