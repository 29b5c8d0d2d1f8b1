/**
 * Meta's messaging window (Messenger and Instagram Direct): a business may message a person freely
 * for 24 hours after that person's last message. After that only a person on the care team may
 * answer, with the HUMAN_AGENT tag, up to 7 days after the last message; automation never may.
 */
export const STANDARD_WINDOW_MS = 24 * 3_600_000;
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * 3_600_000;

export type MessagingPermission =
  | { allowed: true; messagingType: 'RESPONSE' }
  | { allowed: true; messagingType: 'MESSAGE_TAG'; tag: 'HUMAN_AGENT' }
  | { allowed: false; reason: string };

/** Outbound authors are "bot", "system" or an agent's id: only an agent is a person. */
export function isHumanAuthor(author: string): boolean {
  return author !== 'bot' && author !== 'system';
}

/**
 * How a private message may be sent now. An unknown last-message time is treated as outside the
 * 24-hour window: the window cannot be shown to be open, and a wrong RESPONSE costs the page.
 */
export function messagingPermission(input: {
  lastCustomerMessageAt: string | undefined;
  author: string;
  now: Date;
}): MessagingPermission {
  const last = input.lastCustomerMessageAt ? Date.parse(input.lastCustomerMessageAt) : Number.NaN;
  const known = Number.isFinite(last);
  const elapsed = known ? input.now.getTime() - last : Number.POSITIVE_INFINITY;
  if (elapsed < STANDARD_WINDOW_MS) return { allowed: true, messagingType: 'RESPONSE' };
  const since = known
    ? `the customer last wrote at ${new Date(last).toISOString()}`
    : 'no customer message is on record';
  if (!isHumanAuthor(input.author)) {
    return {
      allowed: false,
      reason: `outside the 24-hour messaging window (${since}): a ${input.author} message may not be sent; only an agent may answer now, with the human-agent tag`,
    };
  }
  if (known && elapsed >= HUMAN_AGENT_WINDOW_MS) {
    return {
      allowed: false,
      reason: `more than 7 days since the customer's last message (${since}): the platform allows no message, not even from an agent; answer in another channel`,
    };
  }
  return { allowed: true, messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' };
}
