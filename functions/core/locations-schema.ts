import { timezoneSchema } from './calendar-schema';
import { PLATFORMS } from './interaction';
import { LOCATION_CODE } from './locations';
import * as z from './schema';

/** A brand's location as the config gives it (core/locations.ts); checked at synth and at start only. */
export const locationSchema = z.strictObject({
  code: z.string().check(z.regex(LOCATION_CODE, 'expected an uppercase location code such as "AMS"')),
  /** Shown on the case and in replies ("Amsterdam"): the first name the FAQ bot uses for the place. */
  name: z.string().check(z.trim(), z.minLength(2)),
  /** What people also call it: "Schiphol", "A'dam", "Amsterdam Airport". */
  aliases: z._default(z.array(z.string().check(z.trim(), z.minLength(2))), []),
  /** The location's own clock: its manager's daily digest goes out in the morning here. */
  timezone: timezoneSchema,
  /** The place as review sites know it (generic webhook `placeId` from `source`): a review of it is this location's. */
  reviewPlaces: z._default(
    z.array(
      z.strictObject({
        source: z.string().check(z.minLength(1)),
        placeId: z.string().check(z.minLength(1), z.maxLength(512)),
      }),
    ),
    [],
  ),
  /** Our accounts or pages that belong to this location (a hotel's own Facebook page): every post to them is its. */
  accounts: z._default(
    z.array(z.strictObject({ platform: z.enum(PLATFORMS), id: z.string().check(z.minLength(1)) })),
    [],
  ),
});

export type BrandLocation = z.infer<typeof locationSchema>;
