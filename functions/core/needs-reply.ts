import type { SentimentLabel } from './sentiment';

/**
 * Does a post need a reply? Questions, complaints, requests and problems do; thanks and praise that
 * close a matter, bare mentions, link-only posts, retweet-like noise, spam and promotions don't.
 * Posts that don't go to the "no reply needed" lane: recorded and visible, never timed.
 *
 * Precision on "no reply needed" comes first: a complaint in that lane is a customer ignored, so a
 * post goes there only when a reason says so and nothing argues against it. When unsure: a reply.
 */
export interface NeedsReplyInput {
  text: string;
  sentiment: SentimentLabel;
  /** Risk words found in the post: always a reply. */
  risks?: readonly string[];
  /** A direct message: the customer chose to write to us privately. */
  private?: boolean;
  /** The FAQ detector recognised a question it knows (fares, hours). */
  intent?: string | null;
  /**
   * The post answers one of ours or joins a case still open: the customer is in a conversation with
   * us, so even "Sent" or "Yes!" is waiting on our next step.
   */
  inConversation?: boolean;
}

export interface NeedsReplyDecision {
  needsReply: boolean;
  /** Plain-language reason, stored on the case (like priorityReasons). */
  reason: string;
}

const QUESTION_START =
  /^(how|what|whats|what's|when|where|why|who|which|can|could|would|will|is|are|am|do|does|did|should|have|has|any|anyone|may|shall|wheres|how's|hows|isn't|isnt|don't|dont|doesn't|doesnt|won't|wont|can't|cant)\b/i;
const REQUEST =
  /\b(please|pls|plz|help|need|needs|want|wanted|trying|tried|can you|could you|would you|will you|let me know|get back to|respond|response|answer|reply|contact|call me|dm me|dm'd|dmed|sent you|sent a dm|fix|refund|cancel|change|rebook|reschedule|replace|return|track|tracking|order|account|password|login|log in|sign in|charged|charge|bill|billing|payment|deliver|delivery|delivered|package|parcel|flight|booking|reservation|ticket|seat|bag|baggage|luggage|waiting|wait|still|yet|again|issue|issues|problem|problems|error|broken|not working|doesn't work|doesnt work|won't|wont|can't|cant|unable|couldn't|couldnt|no one|nobody|hours|days|weeks)\b/i;
const THANKS =
  /\b(thanks|thank you|thx|ty|tysm|cheers|appreciate|appreciated|grateful|love|loved|lovely|great|awesome|amazing|excellent|fantastic|brilliant|perfect|best|kudos|shout ?out|well done|good job|nice|sorted|resolved|works now|working now|working again)\b|[❤💙💜💚🙏👏😍🥰😊👍]/iu;
/** The customer did what was asked: the next step is ours. */
const DONE =
  /\b(sent|send|done|did|filled|submitted|emailed|e-mailed|messaged|dm'?d|dmed|followed|replied|added|attached|called|completed|uploaded|updated|here it is|here you go)\b/i;
const SWEARING = /\b(wtf|ffs|smh|omg|seriously|ridiculous|joke|shocking|disgusting|pathetic)\b/i;
const SPAM =
  /\b(giveaway|give away|follow back|followback|follow me|f4f|promo code|discount code|use code|check out my|check my|subscribe to my|win a|to win|free followers|crypto|bitcoin|airdrop|onlyfans|click here|limited offer)\b/i;
const RETWEET = /^\s*RT\s+@\w+/i;

/** The post with handles, links, hashtags' marks and emoji taken out: what the customer wrote. */
function ownWords(text: string): string[] {
  return (
    text
      .replace(/https?:\/\/\S+|www\.\S+/gi, ' ')
      .replace(/(^|\s)@\w+/g, ' ')
      .replace(/\bRT\b:?/g, ' ')
      .match(/[\p{L}\p{N}'’]+/gu) ?? []
  );
}

export function decideNeedsReply(input: NeedsReplyInput): NeedsReplyDecision {
  const text = input.text.trim();
  const words = ownWords(text);
  const wordText = words.join(' ');

  // Reasons that always win: anything at risk, unhappy, asking or asked for.
  if (input.risks?.length) return { needsReply: true, reason: `risk: ${input.risks.join(', ')}` };
  if (input.sentiment === 'NEGATIVE' || input.sentiment === 'MIXED')
    return { needsReply: true, reason: `${input.sentiment.toLowerCase()} sentiment` };
  if (input.intent) return { needsReply: true, reason: `question: ${input.intent}` };
  if (/\?/.test(text.replace(/https?:\/\/\S+/g, ''))) return { needsReply: true, reason: 'question' };
  if (QUESTION_START.test(wordText)) return { needsReply: true, reason: 'question' };

  // Nothing of the customer's own to answer.
  if (RETWEET.test(text)) return { needsReply: false, reason: 'retweet' };
  if (SPAM.test(text) && !REQUEST.test(wordText)) return { needsReply: false, reason: 'promotion or spam' };
  if (words.length === 0)
    return {
      needsReply: false,
      reason: /https?:\/\//.test(text) ? 'link only' : 'bare mention',
    };

  if (REQUEST.test(wordText)) return { needsReply: true, reason: 'request or problem' };
  if (SWEARING.test(wordText)) return { needsReply: true, reason: 'frustration' };
  if (DONE.test(wordText)) return { needsReply: true, reason: 'the customer did their part' };
  // Thanks and praise close a matter when that is all the post says; a long "love being stuck on
  // your train" is more often sarcasm than praise.
  if (THANKS.test(text) && input.sentiment === 'POSITIVE' && words.length <= 15)
    return { needsReply: false, reason: 'thanks or praise' };
  if (input.private) return { needsReply: true, reason: 'direct message' };
  if (input.inConversation) return { needsReply: true, reason: 'in a conversation with us' };
  // A few words aimed at nobody in particular; scripts without spaces (Japanese, Chinese) count by letters.
  const letters = words.join('').length;
  if (words.length <= 2 && letters < 12 && !/https?:\/\//.test(text))
    return { needsReply: false, reason: 'bare mention' };
  return { needsReply: true, reason: 'addressed to the brand' };
}
