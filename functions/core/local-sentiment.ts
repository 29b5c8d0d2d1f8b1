import { detectLanguage, normalizeLanguageTag } from './language';
import type {
  Sentiment,
  SentimentClassifier,
  SentimentInput,
  SentimentLabel,
  SentimentScores,
} from './sentiment';
import {
  DAMPENERS,
  EMOJI_VALENCES,
  EMOTICON_VALENCES,
  EVENT_WORDS,
  INTENSIFIERS,
  NEGATORS,
  OTHER_THANKS,
  PHRASE_VALENCES,
  WORD_OVERRIDES,
  WORD_VALENCES,
} from './sentiment-lexicon';

/**
 * A lexicon-and-rules classifier written for customer-care text. Complaints about delays,
 * cancellations, waiting, lost things, refused refunds and being ignored read as negative even
 * without a negative word; negation, intensifiers, shouting, elongation, hashtags and emoji are taken
 * into account; reliable sarcasm cues ("thanks for the 3 hour delay") turn praise into complaint;
 * praise and complaint together read as MIXED. Pure, synchronous and deterministic, so
 * `socialcare triage`, the hybrid mode and the benchmark call it directly.
 */

// ---------------------------------------------------------------------------------------------
// Lexicon tables, built once at module load.

const WORDS = new Map<string, number>();
for (const [value, list] of WORD_VALENCES) {
  for (const word of list.split(/\s+/)) {
    if (!word) continue;
    const known = WORDS.get(word);
    if (known === undefined || Math.abs(value) > Math.abs(known)) WORDS.set(word, value);
  }
}
for (const [word, value] of WORD_OVERRIDES) WORDS.set(word, value);
for (const word of OTHER_THANKS) WORDS.set(word, 2);

interface Phrase {
  words: string[];
  value: number;
}
/** Phrases by first word, longest first, so "thank you so much" wins over "thank you". */
const PHRASES = new Map<string, Phrase[]>();
for (const [value, list] of PHRASE_VALENCES) {
  for (const entry of list.split('|')) {
    const words = entry.trim().split(/\s+/);
    const first = words[0];
    if (!first) continue;
    const bucket = PHRASES.get(first) ?? [];
    bucket.push({ words, value });
    PHRASES.set(first, bucket);
  }
}
for (const bucket of PHRASES.values()) bucket.sort((a, b) => b.words.length - a.words.length);

const EMOJI = new Map<number, number>();
for (const [value, list] of EMOJI_VALENCES) {
  for (const emoji of list.split(/\s+/)) {
    const code = emoji.codePointAt(0);
    if (code !== undefined) EMOJI.set(code, value);
  }
}
const EMOTICONS = new Map<string, number>();
for (const [value, list] of EMOTICON_VALENCES) {
  for (const emoticon of list.split(/\s+/)) if (emoticon) EMOTICONS.set(emoticon, value);
}

/** Words that put a post in a service context, where a negative word is a complaint. */
const CARE_TERMS = new Set(
  `flight flights plane airline airport gate boarding crew pilot seat seats bag bags luggage baggage suitcase
  stroller pram wheelchair belt carousel lounge layover connection booking booked reservation ticket tickets fare fares refund refunds voucher
  compensation order orders ordered delivery delivered parcel package shipment shipping tracking driver
  courier store shop staff employee employees manager agent agents rep representative service customer
  support helpdesk helpline hotline call calls called phone line hold queue chat email emails dm dms
  account bill billing charge charged payment card app website site link login password internet wifi update
  version software forum
  signal network outage connection router broadband cable contract subscription plan upgrade device
  product item items warranty repair engineer technician appointment hotel room checkin check train
  trains bus station platform taxi uber rental car insurance claim bank loan branch`.split(/\s+/),
);

/** Scripts the tokenizer does not split into words (or without spaces between words): found anywhere. */
const OTHER_THANKS_UNSPACED =
  /ありがと|有難う|谢谢|謝謝|多谢|감사합니다|고맙습니다|спасибо|благодарю|شكرا|ขอบคุณ|धन्यवाद|תודה/;

/** Thanks and please: polite, not praise, when they close a complaint. */
const POLITE = new Set([
  'thanks',
  'thank',
  'thx',
  'ty',
  'tks',
  'thankyou',
  'cheers',
  'appreciate',
  'appreciated',
  ...OTHER_THANKS,
]);
/** Praise that sarcasm turns around ("great, another delay"). */
const PRAISE_OPENERS = new Set([
  'great',
  'perfect',
  'awesome',
  'brilliant',
  'wonderful',
  'fantastic',
  'lovely',
  'nice',
  'fabulous',
  'terrific',
  'super',
  'excellent',
  'cool',
  'yay',
  'thanks',
  'thank',
  'thx',
  'wow',
  'oh',
  'well',
  'just',
  'so',
  'really',
  'love',
  'gotta',
  'you',
  'u',
  'job',
  'done',
  'one',
  'way',
  'to',
  'go',
  'good',
]);
/** Words that do not use up a negation's reach: "none of my apps are working". */
const FUNCTION_WORDS = new Set(
  'a an the of my our your his her their its this that these those is are was were be been being am it to at in on for with all any so very too even ever really just yet'.split(
    ' ',
  ),
);
/** A post that asks for something. */
const REQUEST =
  /\?|\b(?:please|pls|plz|can you|could you|can i|could i|would like|id like|want to|need to|how do i|how can i|is it possible|help)\b/;
const PUNCTUATION = /^[.!?;,:…]+$/;
const CLAUSE_END = /[.!?;…]/;

// ---------------------------------------------------------------------------------------------
// Care rules: patterns over the normalised text (lowercase, no apostrophes, handles and links
// removed, one space between tokens). Each is gated by a cheap substring test.

const NUMBER = String.raw`(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|few|several|many|multiple|couple(?: of)?)`;
const SPAN = `(?:hours?|hrs?|mins?|minutes?|days?|weeks?|wks?|months?)`;
const WAITISH = `(?:on hold|hold|waiting|wait|late|delay|delayed|in line|queue|queuing|queueing|tarmac|stuck|stranded|later and (?:still|no|nothing)|without (?:a|any|an)|for a (?:reply|response|call|callback|refund|bag)|no (?:reply|response|answer|update|info|bag|bags|luggage|refund|word|help|one|call))`;
const ITEM = `(?:bags?|luggage|baggage|suitcases?|parcels?|packages?|orders?|items?|stroller|pram|car ?seat|wheelchair|guitar|instrument|pet|dog|cat|belongings|shipment|delivery|mail)`;

interface CareRule {
  name: string;
  gates: string[];
  pattern: RegExp;
  value: number;
}

const CARE_RULES: CareRule[] = [
  {
    name: 'waiting',
    gates: ['hour', 'hr', 'min', 'day', 'week', 'wk', 'month'],
    pattern: new RegExp(
      String.raw`\b${NUMBER} ?\+? ?${SPAN}\b(?: \S+){0,4}? ${WAITISH}\b|\b(?:on hold|hold|waiting|waited|wait|delayed|delay|stuck|stranded|queued|queuing|queueing|in (?:the |a )?(?:line|queue)|(?:sitting|sat) on the (?:tarmac|runway|plane))\b(?: \S+){0,3}? (?:for |of )?(?:over |more than |almost |nearly |about |another |around |like |an extra |a further )?${NUMBER} ?\+? ?${SPAN}\b`,
    ),
    value: -3,
  },
  {
    name: 'waiting',
    gates: ['wait'],
    pattern:
      /\b(?:still|been|keep|kept|keeps|sick of|tired of|left|leave|leaving|have me|had me|keeps me|kept me|made me|making me) (?:\w+ )?wait(?:ing|ed)?\b|\bwait(?:ing|ed)? (?:for|on) (?:a |my |the |our |an |any |some )?(?:refund|bags?|luggage|baggage|suitcase|response|reply|answer|call ?back|callback|update|someone|anyone|somebody|help|agent|rep|representative|technician|tech|engineer|delivery|order|package|parcel|money|confirmation|email|resolution|compensation)/,
    value: -2.5,
  },
  {
    name: 'ignored',
    gates: ['no', 'body'],
    pattern:
      /\b(?:no ?one|nobody|no body) (?:\w+ )?(?:answers?|answered|answering|picks? up|picked up|responds?|responded|responding|replies|replied|helps?|helped|helping|cares?|called|calls|came|showed|knows|knew|seems|bothers?|bothered|got back|gets back|contacted|there|available|reads|listens|listening|can (?:find|help|tell|explain|fix|answer)|could (?:find|help|tell|explain|fix|answer))\b/,
    value: -2.5,
  },
  {
    name: 'ignored',
    gates: ['nt', 'not', 'never', 'yet'],
    pattern:
      /\b(?:not|never|hasnt|havent|didnt|doesnt|dont|wont|isnt|arent|yet to) (?:been |even |ever |once |yet |bothered to |had the decency to )?(?:respond|responding|responded|answer|answering|answered|reply|replying|replied|call(?:ed)? (?:me |us )?back|calling (?:me |us )?back|get(?:ting)? back|got back|gotten back|heard back|heard anything|heard a thing|hear back|heard from|contacted|acknowledged|pick(?:ed|ing)? up|help(?:ed|ing)? (?:me|us))\b/,
    value: -3,
  },
  {
    name: 'ignored',
    gates: ['any'],
    pattern: /\b(?:is )?any ?(?:one|body) (?:there|home|listening|awake|working|reading|out there)\b/,
    value: -2,
  },
  {
    name: 'cancelled',
    gates: ['cancel', 'delay', 'late', 'divert', 'oversold', 'overbook', 'resched'],
    pattern:
      /\b(?:flight|flights|train|trains|bus|order|booking|reservation|appointment|service|delivery|connection|plane|trip|holiday|ticket)s? (?:\S+ ){0,3}?(?:cancell?ed|delayed|overbooked|oversold|diverted|late|rescheduled)\b|\b(?:cancell?ed|delayed) (?:my |our |the )?(?:flight|train|order|booking|reservation|appointment|trip|holiday|delivery)/,
    value: -2,
  },
  {
    name: 'missed',
    gates: ['miss', 'lost'],
    pattern:
      /\b(?:missed|missing|lost|made me miss|make me miss|will miss|going to miss|gonna miss) (?:my |our |the |a |his |her )?(?:connection|connecting flight|flight|train|bus|meeting|appointment|interview|wedding|funeral|event|ride|shuttle|cruise|concert)/,
    value: -3,
  },
  {
    name: 'lost item',
    gates: [
      'lost',
      'lose',
      'losing',
      'missing',
      'damage',
      'broke',
      'destroy',
      'stole',
      'smash',
      'ruin',
      'delayed',
      'left',
      'misplace',
    ],
    pattern: new RegExp(
      String.raw`\b(?:lost|lose|losing|misplaced|missing|damaged|broke|broken|destroyed|stolen|smashed|ruined|delayed|left behind) (?:my |our |the |his |her |their |a |all )?(?:\w+ )?${ITEM}\b`,
    ),
    value: -3,
  },
  {
    name: 'lost item',
    gates: [
      'bag',
      'luggage',
      'suitcase',
      'parcel',
      'package',
      'order',
      'deliver',
      'refund',
      'item',
      'shipment',
      'card',
      'replacement',
      'money',
      'ticket',
    ],
    pattern:
      /\b(?:bags?|luggage|baggage|suitcases?|parcels?|packages?|orders?|delivery|refund|items?|shipment|tickets?|card|replacement|money)s? (?:is |are |was |were |has |have |still |been |not |never |yet |to )*(?:missing|lost|not here|gone|nowhere|never (?:came|arrived|showed|delivered|received)|not (?:arrived|delivered|received|showed up|shown up|come|came|processed)|hasnt|havent|didnt|damaged|broken|delayed|late|stuck)\b/,
    value: -3,
  },
  {
    name: 'lost item',
    gates: ['never', 'nt', 'not', 'yet'],
    pattern:
      /\b(?:never|didnt|havent|hasnt|not yet|yet to|still not|did not|have not|has not) (?:been |even |ever )?(?:arrived?|received?|came|come|delivered|shown up|showed up|turned up|gotten (?:my|our|a|the|any)|got (?:my|our|a|the|any)|refunded|reimbursed|compensated|credited|shipped)\b/,
    value: -3,
  },
  {
    name: 'lost item',
    gates: ['where'],
    pattern:
      /\bwhere ?(?:is|are|s|the hell is|tf is|on earth is) (?:my|our|the) (?:bags?|luggage|baggage|suitcase|order|package|parcel|refund|money|driver|delivery|food|flight|plane|crew|pilot|technician|tech|engineer|rep|replacement|card|stuff|compensation|voucher|points|miles)\b/,
    value: -2.5,
  },
  {
    name: 'refund refused',
    gates: ['refund', 'compensat', 'reimburs', 'money back', 'voucher', 'credit', 'my money'],
    pattern:
      /\b(?:refused?|refusing|denied|deny|denying|declined|declining|rejected|rejecting|wont|will not|wouldnt|would not|cant|can not|cannot|unable to|not|no|never|still no|without|where is|wheres|yet to (?:see|get|receive)|still waiting (?:for|on)) (?:to )?(?:even )?(?:give |issue |process |honou?r |offer |provide |get |pay |see |receive |refund )?(?:me |us )?(?:a |my |our |any |the |full |proper )?(?:refund|compensation|reimburse(?:ment)?|money back|voucher|credit|cash back|my money)|\b(?:refund|compensation|claim|reimbursement) (?:was |has been |is |got )?(?:refused|denied|rejected|declined)\b/,
    value: -3,
  },
  {
    name: 'charged',
    gates: ['charge', 'bill', 'debit', 'deduct'],
    pattern:
      /\b(?:charged|billed|debited|deducted|charging|billing) (?:me |us |my card |my account )?(?:twice|double|two times|again|extra|more|wrong|incorrectly|for nothing|without)|\bdouble (?:charged|billed|charge)/,
    value: -3,
  },
  {
    name: 'service down',
    gates: [
      'down',
      'offline',
      'working',
      'crash',
      'unavailable',
      'dead',
      'signal',
      'service',
      'wifi',
      'internet',
      'connect',
      'coverage',
      'reception',
      'power',
      'nt ',
      'not ',
      'fail',
      'refuse',
      'off',
      'out',
    ],
    pattern:
      /\bnone of (?:my |the |our |your )?\w+ (?:are |is |were )?(?:working|loading|arrived|received)\b|\b(?:is|are|was|went|goes|been|keeps going) (?:completely |totally |still )?down\b(?! (?:to|for|with|the|there|here|in|at|on|by))|\b(?:wont|doesnt|didnt|cant|cannot|will not|does not|did not|can not|wouldnt|refuses to|keeps failing to|fails to|failed to) (?:even )?(?:open|load|start|launch|boot|connect|work|turn on|charge|sync|update|install|download|play|print|send|log ?in|sign ?in|go through|process)\b|\b(?:boots|kicks|kicked|booted|throws|threw) (?:me )?(?:offline|off|out)\b|\b(?:site|website|app|server|servers|service|system|network|internet|wifi|phone|phones|line|lines|portal|page|payment|checkout|tv|cable|power|connection|account|card|machine|kiosk|ac|heating|toilet|toilets|entertainment)s? (?:\S+ ){0,2}?(?:down|offline|not working|isnt working|wont work|doesnt work|broken|crashed|crashing|unavailable|dead)\b|\b(?:no|zero|lost|losing|without|dropped|drops|dropping|spotty|patchy|intermittent) (?:\w+ )?(?:signal|service|wifi|internet|connection|connectivity|coverage|reception|power|water|heat|hot water|ac|air conditioning|tv|cable|network|data|lte|4g|5g)\b/,
    value: -2,
  },
  {
    name: 'cant reach',
    gates: ['able', 'cant', 'cannot', 'can not', 'couldnt', 'could not', 'impossible', 'no way'],
    pattern:
      /\b(?:impossible to|no way to|unable to|not able to|cant|cannot|can not|couldnt|could not) (?:even )?(?:get (?:through|hold|anyone|anybody|a (?:hold|human|person|response|answer|refund|straight))|reach|speak to|talk to|contact|find (?:anyone|anybody|my|our)|book|check ?in|log ?in|login|sign ?in|access|connect|print (?:my |a )?boarding|use (?:my|the|your)|make a (?:call|payment|booking))/,
    value: -2.5,
  },
  {
    name: 'still',
    gates: ['still'],
    pattern:
      /\bstill (?:no|nothing|no one|nobody|broken|down|missing|charged|delayed|stuck|on hold|without|nowhere|unresolved|waiting|(?:not|isnt|arent|havent|hasnt|doesnt|dont|wont|cant|didnt) (?:been |even |yet )?(?:working|work|fixed|resolved|received|receive|here|arrived|delivered|refunded|sorted|answered|back|heard|got|get|have|has|see|load|loading|connect|access|log|reach|responded|replied|called|contacted|paid))\b/,
    value: -2,
  },
  {
    name: 'repeat contact',
    gates: [
      'time',
      'call',
      'email',
      'message',
      'dm',
      'tweet',
      'attempt',
      'tries',
      'complaint',
      'agent',
      'rep',
    ],
    pattern:
      /\b(?:called|emailed|messaged|tweeted|contacted|tried|asked|rang|phoned|chatted|complained|reported|spoke|spoken|told|explained|written|wrote|sent) (?:you |them |your \w+ |this |it |about (?:this|it) )?(?:\d+|two|three|four|five|six|seven|eight|nine|ten|multiple|several|many|countless|numerous) (?:separate |different )?times\b|\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|multiple|several|many|countless|numerous) (?:separate |different )?(?:calls|phone calls|emails|messages|dms|attempts|complaints|agents|reps|representatives)\b(?! (?:a|per|each|every) )|\b(?:third|3rd|fourth|4th|fifth|5th|sixth|6th|tenth|10th|nth) (?:time|call|email|attempt|complaint)\b/,
    value: -1.5,
  },
  {
    name: 'transferred',
    gates: ['transfer', 'passed', 'bounced', 'runaround', 'run around'],
    pattern:
      /\b(?:transferred|passed|bounced|sent) (?:me |us )?(?:around|between|from one|back and forth)|\brun ?around\b|\btransferred (?:\d+|multiple|several|many|three|four|five) times/,
    value: -2,
  },
  {
    name: 'leaving',
    gates: ['never', 'not', 'wont', 'dont', 'switch', 'leav', 'cancel', 'clos', 'business', 'customer'],
    pattern:
      /\b(?:never|not|wont|will not|dont|no longer) (?:\w+ )?(?:fly|flying|use|using|buy|buying|order|ordering|shop|shopping|book|booking|stay|staying|recommend|recommending|travel|travelling|traveling|trust|go back|come back|return|renew|renewing|choose|choosing) (?:with |at |from |through |by )?(?:you|u|your|again|them|this|ever)\b|\b(?:switching|leaving|cancell?ing|cancel|close|closing|terminate|terminating|quitting) (?:my |our )?(?:account|subscription|service|membership|contract|plan|policy)\b|\b(?:take|taking) (?:my|our) (?:business|money|custom) (?:elsewhere|somewhere else)\b|\blost (?:a|another|my|our|your) (?:loyal |long time |longtime )?customer\b/,
    value: -3,
  },
  {
    name: 'disbelief',
    gates: ['how', 'what', 'why', 'treat'],
    pattern:
      /\bis this how you treat\b|\bhow dare you\b|\bwhat (?:the hell|the heck|the fuck|the actual)\b|^why (?:is|are|does|do|cant|wont|isnt|arent|doesnt|didnt|hasnt|havent|must|the hell|tf|on earth) (?:my|our|your|you|it|this|there|the|nobody|no one)\b|\bwhy (?:should|would|do|must) (?:i|we) (?:have to |need to )?(?:pay|wait|call|keep|be|accept)\b/,
    value: -1.5,
  },
  {
    name: 'could be better',
    gates: ['better', 'ashamed'],
    pattern:
      /\b(?:could|couldve|should|shouldve|can|would) (?:have |of )?(?:been |be |do |done )?(?:a lot |much |way |so much )?better\b(?! than)|\bshould be ashamed\b|\bbetter (?:than this|get (?:it|this) (?:fixed|sorted))\b/,
    value: -2.5,
  },
  {
    name: 'malfunction',
    gates: ['stop', 'quit', 'keep', 'no longer', 'not', 'nt ', 'stutter', 'glitch', 'bug', 'lag', 'error'],
    pattern:
      /\b(?:stopped|stops|quit|quits) (?:working|loading|syncing|charging|responding|updating|playing)\b|\bkeeps? (?:on )?(?:crashing|freezing|failing|dropping|disconnecting|restarting|rebooting|buffering|lagging|glitching|stuttering|cutting out|logging me out|kicking me out|timing out)\b|\bno longer (?:\w+ )?(?:works?|working|loads?|opens?|shows?|appears?|syncs?|snaps?|available|supported|plays?)\b|\b(?:isnt|is not|arent|are not|wasnt|was not|werent|not) (?:\w+ )?(?:working|loading|showing up|syncing|charging|updating|responding|connecting)\b|\b(?:stutters|stuttering|glitches|glitching|glitchy|buggy|bugfest|laggy)\b|\berror (?:message|code|page|screen)s?\b|\b(?:get|getting|got|gives|giving|keep getting|keeps giving|throws|threw) (?:an? |this |the )?error\b/,
    value: -2,
  },
  {
    name: 'no luck',
    gates: ['no ', 'nothing', 'already', 'tried'],
    pattern:
      /\bno (?:changes?|luck|joy|difference|improvement|solution|fix|resolution|answers?)\b(?! (?:needed|required|necessary))|\bnothing (?:\w+ )?(?:helped|helps|worked|works|changed|happened|has changed|has happened|has been done|was done)\b|\b(?:already|have already|ive already|i already|we already) (?:did|done|tried|sent|called|checked|reset|restarted|reinstalled|followed|given|gave|provided|contacted|reported|uninstalled|updated|explained)\b|\btried (?:\w+ing|everything|all of (?:that|those|the above)|all that)\b/,
    value: -2,
  },
  {
    name: 'marked delivered',
    gates: ['deliver'],
    pattern:
      /\b(?:says|said|shows|showed|showing|marked|listed|status) (?:it (?:was|is|s|has been) |as |it as |that it was |that it has been )?(?:been )?delivered\b/,
    value: -2.5,
  },
  {
    name: 'blocked',
    gates: ['let', 'past'],
    pattern:
      /\b(?:would not|wouldnt|will not|wont|doesnt|does not|didnt|did not) (?:even )?let (?:me|us)\b|\b(?:cant|cannot|can not|couldnt|could not|unable to) get past\b/,
    value: -2,
  },
  {
    name: 'told',
    gates: ['told'],
    pattern:
      /\b(?:was|were|been|being|am|keep getting|kept getting|keep being|get|got) told (?:that )?(?:i|we|it|there|my|our|to|im|its)\b/,
    value: -1.5,
  },
  {
    name: 'repeat contact',
    gates: ['twice', 'thrice', 'over and over', 'again and again'],
    pattern:
      /\b(?:called|emailed|messaged|tweeted|contacted|tried|asked|rang|phoned|chatted|complained|reported|sent|dmed|dmd|explained|submitted|filed) (?:\S+ ){0,3}?(?:twice|thrice|over and over|again and again)\b/,
    value: -1.5,
  },
  {
    name: 'trouble',
    gates: ['trouble', 'issue', 'problem', 'difficult'],
    pattern:
      /\b(?:having|had|have|experiencing|experienced|facing|running into|ran into|keep having|still having) (?:\w+ ){0,2}?(?:trouble|issues|problems|difficulties|difficulty)\b/,
    value: -1.5,
  },
  {
    name: 'resolved',
    gates: ['fixed', 'resolved', 'sorted', 'solved', 'working again', 'back up', 'back online', 'taken care'],
    pattern:
      /\b(?:problem|issue|it|everything|all|that|this|bag|luggage|refund)(?: is| was| has been| got| been| now| all)? (?:fixed|resolved|sorted|solved|sorted out|working again|back up|back online|taken care of)\b/,
    value: 2,
  },
  {
    name: 'wanting',
    gates: ['bad'],
    pattern: /\b(?:want|wants|wanted|need|needs|needed|wanna|miss|missed)(?: \S+){0,4}? so bad(?:ly)?\b/,
    value: 4,
  },
];

/** Sarcasm cues reliable enough in care traffic: praise wrapped around a complaint. */
const SARCASM_THANKS =
  /\bthanks? (?:you |u )?(?:so much |a lot |very much |again )?for (?:nothing|(?:the |another |yet another |a |an |my |all the |this )?(?:\S+ ){0,2}?(?:delays?|wait|waiting|cancell?ations?|hold|lost|losing|ruining|ruined|breaking|broken|damaging|damaged|leaving|stranding|overbooking|bumping|charging|overcharging|ignoring|making me|keeping me|wasting|screwing|letting me down|headache|hassle|inconvenience|runaround|run around|stress|nightmare|disappointment))/;
const SARCASM_LOVE =
  /\b(?:love|loving|lovin|like|enjoy|enjoying|adore|nothing like|nothing better than|gotta love|got to love|dont you love|always a pleasure|what a (?:great|wonderful|fantastic|lovely|brilliant|fun) (?:way|start|end))(?: \S+){0,2}? (?:how|when|that|being|waiting|sitting|spending|paying|getting|having|standing|hearing|listening|wasting|missing|losing|the (?:delay|wait|hold|queue|line))\b/;
const SARCASM_NEEDED = /\b(?:just|exactly) what (?:i|we) (?:needed|wanted)\b/;
const SARCASM_EXPLICIT =
  /#(?:sarcasm|not\b|irony|sarcastic)|said no (?:one|body) ever|\byeah,? right\b|(?:^|\s)\/s(?:\s|$)/;
const SCARE_QUOTED =
  /(?<!["“'‘])["“'‘](?:love|loved|great|good|excellent|amazing|awesome|helpful|friendly|fast|quick|premium|priority|service|customer service|support|help|unlimited|free|best|improved|upgrade|upgraded|compensation|apology|fix|solution|express|reliable|on time|gesture of goodwill)["”'’](?!["”'’])/;

// ---------------------------------------------------------------------------------------------
// Reading a post.

interface Token {
  word: string;
  emphasis: number;
  hashtag: boolean;
}

const HTML_ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&apos;': "'",
  '&#39;': "'",
  '&#x27;': "'",
  '&nbsp;': ' ',
};

/** Undoes what exports and platforms do to text: HTML entities (X escapes &, <, >) and literal \uXXXX. */
function decode(text: string): string {
  let out = text;
  if (out.includes('\\u'))
    out = out.replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    );
  if (out.includes('&'))
    out = out.replace(/&(?:amp|lt|gt|quot|apos|nbsp|#39|#x27);/g, (m) => HTML_ENTITIES[m] ?? m);
  return out.replace(/[’‘`´]/g, "'");
}

const CONTRACTIONS: Record<string, string> = { ll: 'will', re: 'are', ve: 'have', d: 'would', m: 'am' };
const TOKEN = /#?[A-Za-z0-9\u00C0-\u024F']+|[.!?;,:…]+/g;
const CAMEL = /[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+/g;

function tokenize(text: string): { tokens: Token[]; exclaims: number; questions: number } {
  const cleaned = text
    .replace(/\bhttps?:\/\/\S+|\bwww\.\S+/gi, ' ')
    .replace(/(^|[^\w])@\w+/g, '$1 ')
    .replace(/\bRT\b\s*:?/g, ' ')
    // "I'll" must not read as "ill", nor "he'll" as "hell".
    .replace(
      /([a-z])'(ll|re|ve|d|m)\b/gi,
      (_, last: string, short: string) => `${last} ${CONTRACTIONS[short.toLowerCase()]}`,
    )
    .replace(/\blet's\b/gi, 'lets')
    .replace(/([a-z])'s\b/gi, '$1');
  const tokens: Token[] = [];
  let exclaims = 0;
  let questions = 0;
  for (const match of cleaned.matchAll(TOKEN)) {
    let raw = match[0];
    if (PUNCTUATION.test(raw)) {
      for (const char of raw) {
        if (char === '!') exclaims++;
        else if (char === '?') questions++;
      }
      tokens.push({ word: raw[0] === '…' ? '.' : (raw[0] as string), emphasis: 1, hashtag: false });
      continue;
    }
    const hashtag = raw[0] === '#';
    if (hashtag) raw = raw.slice(1);
    raw = raw.replace(/^'+|'+$/g, '');
    if (!raw) continue;
    if (hashtag && /[a-z][A-Z]/.test(raw)) {
      for (const part of raw.match(CAMEL) ?? []) tokens.push(readWord(part, true));
      continue;
    }
    tokens.push(readWord(raw, hashtag));
  }
  return { tokens, exclaims, questions };
}

function readWord(raw: string, hashtag: boolean): Token {
  let emphasis = 1;
  if (raw.length >= 3 && raw === raw.toUpperCase() && /[A-Z]/.test(raw)) emphasis = 1.4;
  let word = raw.toLowerCase();
  if (word.includes("'")) word = word.replace(/'/g, '');
  if (/(.)\1\1/.test(word)) {
    word = word.replace(/(.)\1{2,}/g, '$1$1');
    emphasis *= 1.3;
  }
  return { word, emphasis, hashtag };
}

/** A word's valence, trying the forms people actually type ("loooove", "helpfull", "disappointing"). */
function valenceOf(word: string, hashtag: boolean): number | undefined {
  const direct = WORDS.get(word);
  if (direct !== undefined) return direct;
  const single = word.replace(/(.)\1+/g, '$1');
  if (single !== word) {
    const value = WORDS.get(single);
    if (value !== undefined) return value;
  }
  if (word.length > 4) {
    for (const [suffix, replacement] of SUFFIXES) {
      if (word.endsWith(suffix)) {
        const value = WORDS.get(word.slice(0, word.length - suffix.length) + replacement);
        if (value !== undefined) return value;
      }
    }
  }
  if (hashtag && word.length >= 6) return valenceOfCompound(word);
  return undefined;
}

const SUFFIXES: Array<[string, string]> = [
  ['s', ''],
  ['es', ''],
  ['ed', ''],
  ['ed', 'e'],
  ['ing', ''],
  ['ing', 'e'],
  ['ly', ''],
  ['ily', 'y'],
  ['ness', ''],
  ['est', ''],
  ['est', 'e'],
  ['iest', 'y'],
  ['ier', 'y'],
  ['er', ''],
  ['er', 'e'],
  ['ied', 'y'],
  ['ies', 'y'],
];

/** Hashtags run words together: #epicfail, #neveragain, #customerservicefail. */
function valenceOfCompound(tag: string): number | undefined {
  for (let cut = tag.length - 4; cut >= 3; cut--) {
    const tail = WORDS.get(tag.slice(cut));
    if (tail !== undefined && tail !== 0) {
      const head = tag.slice(0, cut);
      return NEGATORS.has(head) || head.endsWith('not') || head.endsWith('no') ? -tail * 0.8 : tail;
    }
  }
  for (let cut = 4; cut <= tag.length - 3; cut++) {
    const head = WORDS.get(tag.slice(0, cut));
    if (head !== undefined && Math.abs(head) >= 1.5) return head;
  }
  return undefined;
}

function readEmoji(text: string): { positive: number; negative: number } {
  let positive = 0;
  let negative = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x2600) continue;
    const point = text.codePointAt(i) as number;
    if (point > 0xffff) i++;
    const value = EMOJI.get(point);
    if (value === undefined) continue;
    if (value > 0) positive += value;
    else negative -= value;
  }
  return { positive, negative };
}

function readEmoticons(text: string): { positive: number; negative: number } {
  let positive = 0;
  let negative = 0;
  if (!/[:;=<(^)xX8_]/.test(text)) return { positive, negative };
  for (const piece of text.split(/\s+/)) {
    if (piece.length < 2 || piece.length > 8 || /^https?:/.test(piece)) continue;
    let key = piece.toLowerCase().replace(/[.,!?]+$/, '');
    let value = EMOTICONS.get(key);
    if (value === undefined) {
      key = key.replace(/([()\][dp])\1+$/, '$1');
      value = EMOTICONS.get(key);
    }
    if (value === undefined) continue;
    if (value > 0) positive += value;
    else negative -= value;
  }
  return { positive, negative };
}

export interface LocalSentimentDetail extends Sentiment {
  /** Total positive and negative evidence, before the label was chosen. */
  positive: number;
  negative: number;
  /** How sure the reading is, 0..1 (the label's score); the hybrid mode defers below its threshold. */
  confidence: number;
  /** Names of the care and sarcasm rules that fired, for the case record. */
  cues: string[];
}

export function classifyLocally(text: string): LocalSentimentDetail {
  return read(text);
}

/** The evidence behind a reading, word by word and rule by rule: for tests and for tuning by hand. */
export function explainLocally(text: string): {
  detail: LocalSentimentDetail;
  evidence: Array<[string, number]>;
} {
  const evidence: Array<[string, number]> = [];
  return { detail: read(text, evidence), evidence };
}

function read(text: string, trace?: Array<[string, number]>): LocalSentimentDetail {
  const decoded = decode(text);
  const lowerRaw = decoded.toLowerCase();
  const { tokens, exclaims, questions } = tokenize(decoded);
  const cues: string[] = [];

  let positive = 0;
  let negative = 0;
  let polite = 0;
  let events = 0;
  let lexical = 0;
  const add = (value: number) => {
    if (value > 0) positive += value;
    else negative -= value;
  };

  // Words after "but" carry the point: "nice crew but 3 hours late" is a complaint.
  let butAt = -1;
  for (let i = tokens.length - 1; i > 0; i--) {
    const word = (tokens[i] as Token).word;
    if (word === 'but' || word === 'however') {
      butAt = i;
      break;
    }
  }

  let negationLeft = 0;
  let multiplier = 1;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    const word = token.word;
    if (PUNCTUATION.test(word)) {
      negationLeft = 0;
      multiplier = 1;
      continue;
    }

    let value: number | undefined;
    let span = 1;
    const candidates = PHRASES.get(word);
    if (candidates) {
      for (const phrase of candidates) {
        let matches = true;
        for (let k = 1; k < phrase.words.length; k++) {
          if (tokens[i + k]?.word !== phrase.words[k]) {
            matches = false;
            break;
          }
        }
        if (matches) {
          value = phrase.value;
          span = phrase.words.length;
          break;
        }
      }
    }

    if (value === 0) {
      i += span - 1;
      continue;
    }
    if (value === undefined) {
      if (NEGATORS.has(word)) {
        negationLeft = 3;
        continue;
      }
      const boost = INTENSIFIERS.get(word);
      const next = tokens[i + 1]?.word;
      if (
        boost !== undefined &&
        next !== undefined &&
        (WORDS.has(next) || PHRASES.has(next) || INTENSIFIERS.has(next))
      ) {
        multiplier *= boost;
        continue;
      }
      const damp = DAMPENERS.get(word);
      if (damp !== undefined && i + 1 < tokens.length && WORDS.has((tokens[i + 1] as Token).word)) {
        multiplier *= damp;
        continue;
      }
      value = valenceOf(word, token.hashtag);
      if (word === 'like' || word === 'likes') value = undefined;
    }

    if (value === undefined || value === 0) {
      if (negationLeft > 0 && !FUNCTION_WORDS.has(word)) negationLeft--;
      multiplier = 1;
      continue;
    }

    let weighted = value * multiplier * token.emphasis;
    if (token.hashtag) weighted *= 1.2;
    if (negationLeft > 0) {
      // "not good" is a complaint; "not bad" is only faint praise.
      weighted = weighted > 0 ? -weighted * 0.8 : -weighted * 0.5;
      negationLeft = 0;
    }
    if (butAt > 0) weighted *= i > butAt ? 1.3 : 0.7;
    if (weighted > 0 && POLITE.has(word)) polite += weighted;
    if (weighted < 0 && EVENT_WORDS.has(word)) events -= weighted;
    lexical++;
    add(weighted);
    trace?.push([
      span > 1
        ? tokens
            .slice(i, i + span)
            .map((t) => t.word)
            .join(' ')
        : word,
      weighted,
    ]);
    multiplier = 1;
    i += span - 1;
  }

  if (OTHER_THANKS_UNSPACED.test(decoded)) {
    positive += 2;
    polite += 2;
    trace?.push(['thanks (other script)', 2]);
  }

  const emoji = readEmoji(decoded);
  const emoticons = readEmoticons(decoded);
  positive += emoji.positive + emoticons.positive;
  negative += emoji.negative + emoticons.negative;
  if (trace && (emoji.positive || emoji.negative)) trace.push(['emoji', emoji.positive - emoji.negative]);
  if (trace && (emoticons.positive || emoticons.negative))
    trace.push(['emoticons', emoticons.positive - emoticons.negative]);

  const flat = tokens.map((t) => t.word).join(' ');
  let careNegative = 0;
  for (const rule of CARE_RULES) {
    if (!rule.gates.some((gate) => flat.includes(gate))) continue;
    if (!rule.pattern.test(flat)) continue;
    if (!cues.includes(rule.name)) cues.push(rule.name);
    add(rule.value);
    trace?.push([`rule:${rule.name}`, rule.value]);
    if (rule.value < 0) careNegative -= rule.value;
  }

  // Sarcasm: only where the cue is reliable, and only when there is a complaint to be sarcastic about.
  const complaint = careNegative > 0 || negative >= 2;
  let sarcastic = SARCASM_EXPLICIT.test(lowerRaw) || SCARE_QUOTED.test(lowerRaw);
  if (!sarcastic && positive > 0 && complaint) {
    sarcastic =
      SARCASM_THANKS.test(flat) ||
      (careNegative > 0 && SARCASM_LOVE.test(flat)) ||
      SARCASM_NEEDED.test(flat) ||
      ((careNegative > 0 || negative >= 2) && opensWithPraise(tokens));
  }
  if (sarcastic) {
    cues.push('sarcasm');
    negative += positive * 0.8 + 1;
    positive = 0;
  } else if (polite > 0 && negative >= 2) {
    // "my bag is lost, please help, thanks": the thanks is manners, not praise.
    positive = Math.max(0, positive - polite * 0.75);
  } else if (polite > 0 && positive - polite < 0.5 && REQUEST.test(flat)) {
    // "can you change my seat? thanks": a request signed off politely is not praise either.
    positive = Math.max(0, positive - polite * 0.6);
  }

  if (exclaims) {
    const factor = 1 + 0.1 * Math.min(exclaims, 3);
    if (negative > positive) negative *= factor;
    else if (positive > negative) positive *= factor;
  }
  if (questions && careNegative === 0 && positive > 0 && negative === 0 && lexical <= 1) positive *= 0.7;

  const careContext = careNegative > 0 || tokens.some((t) => CARE_TERMS.has(t.word));
  if (!careContext && events > 0) negative = Math.max(0, negative - events * EVENT_DISCOUNT);
  return { ...decide(positive, negative, careContext), positive, negative, cues };
}

/** "Great, another delay.": a short burst of praise, then the complaint. */
function opensWithPraise(tokens: Token[]): boolean {
  let praise = false;
  for (let i = 0; i < Math.min(tokens.length, 5); i++) {
    const word = (tokens[i] as Token).word;
    if (CLAUSE_END.test(word) || word === ',') return praise && i < tokens.length - 1;
    if (!PRAISE_OPENERS.has(word)) return false;
    if ((WORDS.get(word) ?? 0) > 0) praise = true;
  }
  return false;
}

/**
 * Below this much evidence a post reads NEUTRAL. Negative words need more evidence outside a
 * service context: "the crash on the A4" is news, "the app crashed again" is a complaint.
 */
const POSITIVE_FROM = 1.5;
const NEGATIVE_FROM_IN_CARE = 1.5;
const NEGATIVE_FROM_ELSEWHERE = 2;
/** Share of an event word's weight dropped outside a service context. */
const EVENT_DISCOUNT = 0.4;

function decide(
  positive: number,
  negative: number,
  careContext: boolean,
): Sentiment & { confidence: number } {
  const strongest = Math.max(positive, negative);
  const weakest = Math.min(positive, negative);
  const negativeFrom = careContext ? NEGATIVE_FROM_IN_CARE : NEGATIVE_FROM_ELSEWHERE;
  let label: SentimentLabel;
  if (positive >= negative ? positive < POSITIVE_FROM : negative < negativeFrom)
    label = positive >= POSITIVE_FROM ? 'POSITIVE' : 'NEUTRAL';
  else if (weakest >= 2 && weakest / strongest >= 0.2) label = 'MIXED';
  else label = positive > negative ? 'POSITIVE' : 'NEGATIVE';

  // The label's score is how often a reading like this one was right on the development set
  // (docs/sentiment.md): by the margin between positive and negative evidence, per label.
  const margin = Math.abs(positive - negative);
  let confidence: number;
  if (label === 'NEUTRAL') confidence = interpolate(NEUTRAL_RIGHT, strongest);
  else if (label === 'MIXED') confidence = MIXED_RIGHT;
  else confidence = interpolate(label === 'POSITIVE' ? POSITIVE_RIGHT : NEGATIVE_RIGHT, margin);

  const scores: SentimentScores = { positive: 0, negative: 0, neutral: 0, mixed: 0 };
  const key = label.toLowerCase() as keyof SentimentScores;
  scores[key] = confidence;
  const others = (Object.keys(scores) as Array<keyof SentimentScores>).filter((k) => k !== key);
  const weights = others.map((k) =>
    k === 'positive' ? positive + 0.2 : k === 'negative' ? negative + 0.2 : k === 'mixed' ? weakest + 0.1 : 1,
  );
  // Share the rest by the evidence, never giving another label more than the chosen one.
  let rest = 1 - confidence;
  let open = others.map((_, i) => i);
  while (open.length && rest > 1e-9) {
    const total = open.reduce((sum, i) => sum + (weights[i] as number), 0);
    const capped: number[] = [];
    let handed = 0;
    for (const i of open) {
      const k = others[i] as keyof SentimentScores;
      const share = rest * ((weights[i] as number) / total);
      const room = confidence - 0.001 - scores[k];
      const given = Math.min(share, room);
      scores[k] += given;
      handed += given;
      if (share >= room) capped.push(i);
    }
    rest -= handed;
    if (!capped.length) break;
    open = open.filter((i) => !capped.includes(i));
  }
  for (const k of Object.keys(scores) as Array<keyof SentimentScores>)
    scores[k] = Math.round(scores[k] * 1000) / 1000;
  return { label, scores, source: 'local', confidence: scores[key] };
}

/**
 * Share of readings that were right on the development set (TweetEval validation, 2,000 posts), by
 * evidence margin. Negative readings are the weakest there because general tweets report bad news
 * without complaining; the NEGATIVE curve is likely pessimistic for mentions to a brand.
 */
const POSITIVE_RIGHT: Array<[number, number]> = [
  [1.5, 0.5],
  [2.5, 0.74],
  [3.5, 0.85],
  [5, 0.91],
  [7, 0.95],
];
const NEGATIVE_RIGHT: Array<[number, number]> = [
  [1.5, 0.32],
  [2.5, 0.47],
  [3.5, 0.52],
  [5, 0.61],
  [7, 0.8],
  [10, 0.9],
];
const NEUTRAL_RIGHT: Array<[number, number]> = [
  [0, 0.66],
  [0.5, 0.6],
  [1.5, 0.5],
];
const MIXED_RIGHT = 0.4;

function interpolate(curve: Array<[number, number]>, x: number): number {
  const [firstX, firstY] = curve[0] as [number, number];
  if (x <= firstX) return firstY;
  for (let i = 1; i < curve.length; i++) {
    const [x1, y1] = curve[i] as [number, number];
    if (x <= x1) {
      const [x0, y0] = curve[i - 1] as [number, number];
      return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
    }
  }
  return (curve[curve.length - 1] as [number, number])[1];
}

/**
 * The port over {@link classifyLocally}. It reads every post as English; when the post's language is
 * another one (given by the platform, or detected when not), the note says so.
 */
export class LocalSentimentClassifier implements SentimentClassifier {
  /**
   * @param read how one post is read: the lexicon by default; the adapters pass the trained model
   * (core/sentiment/care-model.ts), which reads care traffic better and keeps the lexicon as features.
   */
  constructor(
    private readonly read: (text: string) => Pick<Sentiment, 'label' | 'scores' | 'source'> = classifyLocally,
  ) {}

  async classify(inputs: SentimentInput[]): Promise<Sentiment[]> {
    return inputs.map((input) => {
      const { label, scores, source } = this.read(input.text);
      const given = normalizeLanguageTag(input.lang);
      const lang = given ?? detectLanguage(input.text);
      if (!lang || lang === 'en') return { label, scores, source };
      const note = given ? `read as English (${input.lang})` : `read as English (${lang}, detected)`;
      return { label, scores, source, note };
    });
  }
}
