import type {
  Sentiment,
  SentimentClassifier,
  SentimentInput,
  SentimentLabel,
  SentimentScores,
} from './sentiment';

/**
 * A lexicon classifier written for customer-care text: complaints about delays, waiting and lost
 * things read as negative even without a negative word; negation, intensifiers, shouting, elongation
 * and emoji are taken into account; praise and complaint together read as MIXED.
 * Pure and synchronous underneath, so `socialcare triage` and the benchmarks can call it directly.
 */
const WORDS: Record<string, number> = {
  // negative
  bad: -2,
  awful: -3,
  terrible: -3,
  horrible: -3,
  worst: -3,
  worse: -2,
  poor: -2,
  useless: -3,
  pathetic: -3,
  disgusting: -3,
  disgrace: -3,
  disgraceful: -3,
  shameful: -3,
  shame: -2,
  joke: -2,
  ridiculous: -3,
  absurd: -2,
  unacceptable: -3,
  appalling: -3,
  atrocious: -3,
  rude: -3,
  incompetent: -3,
  incompetence: -3,
  hate: -3,
  hated: -3,
  angry: -3,
  furious: -3,
  livid: -3,
  annoyed: -2,
  annoying: -2,
  frustrated: -2,
  frustrating: -2,
  frustration: -2,
  disappointed: -2,
  disappointing: -2,
  disappointment: -2,
  upset: -2,
  sad: -2,
  unhappy: -2,
  fail: -2,
  failed: -2,
  fails: -2,
  failure: -2,
  broken: -2,
  broke: -2,
  damaged: -2,
  dirty: -2,
  filthy: -3,
  cold: -1,
  late: -2,
  delay: -2,
  delayed: -2,
  delays: -2,
  cancelled: -2,
  canceled: -2,
  cancellation: -2,
  stranded: -3,
  stuck: -2,
  lost: -2,
  missing: -2,
  missed: -2,
  overcharged: -3,
  scam: -3,
  fraud: -3,
  theft: -3,
  stole: -3,
  stolen: -3,
  waste: -2,
  wasted: -2,
  wasting: -2,
  nightmare: -3,
  hell: -2,
  mess: -2,
  chaos: -2,
  ignored: -2,
  ignoring: -2,
  ignore: -1,
  unhelpful: -2,
  unreliable: -2,
  crap: -3,
  shit: -3,
  sucks: -3,
  suck: -2,
  wtf: -3,
  ugh: -2,
  sigh: -1,
  smh: -2,
  fuming: -3,
  outraged: -3,
  outrageous: -3,
  complaint: -2,
  complain: -1,
  problem: -1,
  problems: -1,
  issue: -1,
  issues: -1,
  error: -1,
  refused: -2,
  denied: -2,
  wrong: -2,
  never: -1,
  nobody: -1,
  unable: -1,
  cant: -1,
  wont: -1,
  again: -1,
  still: -1,
  sick: -2,
  hurt: -2,
  pain: -2,
  worried: -2,
  scared: -2,
  afraid: -2,
  crying: -2,
  cry: -2,
  stress: -2,
  stressful: -2,
  slow: -2,
  expensive: -1,
  overpriced: -2,
  cramped: -2,
  uncomfortable: -2,
  downgraded: -2,
  bumped: -2,
  overbooked: -2,
  chaotic: -2,
  shambles: -3,
  // positive
  good: 2,
  great: 3,
  excellent: 3,
  amazing: 3,
  awesome: 3,
  fantastic: 3,
  wonderful: 3,
  brilliant: 3,
  perfect: 3,
  best: 3,
  better: 1,
  love: 3,
  loved: 3,
  loving: 2,
  like: 1,
  liked: 2,
  enjoy: 2,
  enjoyed: 2,
  happy: 2,
  glad: 2,
  pleased: 2,
  delighted: 3,
  thanks: 2,
  thank: 2,
  thx: 2,
  ty: 1,
  grateful: 3,
  appreciate: 2,
  appreciated: 2,
  helpful: 2,
  kind: 2,
  friendly: 2,
  nice: 2,
  lovely: 3,
  smooth: 2,
  easy: 1,
  quick: 1,
  fast: 1,
  comfortable: 2,
  clean: 1,
  impressed: 3,
  impressive: 3,
  recommend: 2,
  superb: 3,
  outstanding: 3,
  cool: 1,
  fine: 1,
  ok: 0,
  okay: 0,
  well: 0,
  sorted: 2,
  resolved: 2,
  fixed: 1,
  solved: 2,
  yay: 2,
  wow: 1,
  congrats: 2,
  congratulations: 2,
  welcome: 1,
  professional: 2,
  polite: 2,
  courteous: 2,
  hero: 2,
  heroes: 2,
  legend: 2,
  win: 2,
  winner: 2,
  fun: 2,
  beautiful: 3,
  exciting: 2,
  excited: 2,
  safe: 1,
  relaxing: 2,
  punctual: 2,
};

/** Complaints that carry no negative word: the field's commonest case. */
const PHRASES: Array<[RegExp, number]> = [
  [/\b(on hold|in (a|the) queue) for\b/, -3],
  [
    /\b(\d+|two|three|four|five|six|several|many) (hours?|hrs?|days?|weeks?) (on hold|waiting|late|delay(ed)?|in line|queue)/,
    -3,
  ],
  [/\bwaiting (for|since|over|more than|almost)\b/, -2],
  [/\b(still|been) (waiting|no|not|nothing|haven'?t|hasn'?t)\b/, -2],
  [/\bno (one|body|reply|response|answer|update|refund|help|info(rmation)?|show)\b/, -2],
  [
    /\b(not|never|haven'?t|hasn'?t|didn'?t) (received|arrived|heard back|got (a|my|any)|been (refunded|contacted|told))\b/,
    -3,
  ],
  [
    /\b(lost|missing|damaged|delayed|left behind) (my |our |the )?(bag|bags|luggage|baggage|suitcase|parcel|package|order)\b/,
    -3,
  ],
  [/\b(missed|miss) (my |our )?(connection|flight|train|meeting)\b/, -3],
  [/\b(refund|compensation|money back)\b/, -1],
  [/\b(want|need|demand) (a |my )?(refund|compensation|money back)\b/, -2],
  [/\b(charged|billed) (me )?(twice|double|again)\b/, -3],
  [/\bcustomer (service|care|support) (is|was) (a )?(joke|non.?existent|useless|terrible|awful)\b/, -3],
  [/\bhung up\b/, -2],
  [/\b(never|not) (again|flying|using|buying|booking)\b/, -3],
  [/\bthanks for nothing\b/, -4],
  [/\bwhat a (joke|shambles|mess|nightmare)\b/, -3],
];

const EMOJI: Record<string, number> = {
  '😡': -3,
  '🤬': -3,
  '😠': -3,
  '😤': -2,
  '😞': -2,
  '😢': -2,
  '😭': -2,
  '👎': -2,
  '💩': -2,
  '🙄': -2,
  '😒': -2,
  '😩': -2,
  '😫': -2,
  '🤦': -2,
  '😖': -2,
  '😣': -2,
  '💔': -2,
  '😔': -2,
  '😕': -1,
  '☹': -2,
  '🙁': -2,
  '😀': 2,
  '😃': 2,
  '😄': 2,
  '😁': 2,
  '😊': 2,
  '🙂': 1,
  '😍': 3,
  '🥰': 3,
  '❤': 3,
  '💙': 2,
  '💕': 2,
  '👍': 2,
  '🙏': 1,
  '🎉': 2,
  '👏': 2,
  '🥳': 2,
  '😎': 2,
  '✨': 1,
  '💯': 2,
  '🤩': 3,
  '😂': 1,
  '🤣': 1,
};

const EMOTICONS: Array<[RegExp, number]> = [
  [/(^|\s)(:-?\)|:-?d|;-?\)|=\)|\(:|<3)(?=\s|$)/gi, 2],
  [/(^|\s)(:-?\(|:'\(|:-?\/|>:\(|d:)(?=\s|$)/gi, -2],
];

const NEGATORS = new Set([
  'not',
  'no',
  'never',
  'none',
  'nothing',
  'neither',
  'nor',
  'without',
  'hardly',
  'barely',
  'dont',
  'doesnt',
  'didnt',
  'isnt',
  'wasnt',
  'arent',
  'werent',
  'cant',
  'cannot',
  'couldnt',
  'wont',
  'wouldnt',
  'shouldnt',
  'havent',
  'hasnt',
  'hadnt',
  'aint',
]);
const INTENSIFIERS: Record<string, number> = {
  very: 1.5,
  so: 1.4,
  really: 1.4,
  extremely: 1.8,
  absolutely: 1.7,
  totally: 1.5,
  completely: 1.6,
  utterly: 1.8,
  incredibly: 1.7,
  super: 1.5,
  truly: 1.4,
  most: 1.3,
  too: 1.2,
  such: 1.3,
  quite: 1.1,
};
const DAMPENERS: Record<string, number> = { slightly: 0.5, somewhat: 0.6, bit: 0.6, little: 0.7, kinda: 0.7 };

/** Sarcasm cues that are reliable in care traffic: praise words used to frame a complaint. */
const SARCASM = [
  /\bthanks? (you )?(a lot |so much )?for (nothing|the (delay|wait|cancellation)|ruining|losing|making me wait)\b/,
  /\b(great|brilliant|fantastic|perfect|lovely|awesome|wonderful),? (another|yet another|more|now)\b/,
  /\b(love|loving) (it|that|how) when\b/,
  /\b(yeah|oh) (great|right|sure|brilliant)\b/,
  /\bjust what i needed\b/,
  /#not\b/,
];

function tokenize(text: string): { tokens: string[]; shouting: Set<number> } {
  const raw = text
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/[@][A-Za-z0-9_]+/g, ' ')
    .split(/[^A-Za-z0-9'#]+/)
    .filter(Boolean);
  const tokens: string[] = [];
  const shouting = new Set<number>();
  for (const word of raw) {
    const isShouting = word.length >= 3 && word === word.toUpperCase() && /[A-Z]/.test(word);
    let token = word.toLowerCase().replace(/^#/, '').replace(/'/g, '');
    token = token.replace(/(.)\1{2,}/g, '$1$1');
    if (isShouting) shouting.add(tokens.length);
    tokens.push(token);
  }
  return { tokens, shouting };
}

function lookup(token: string): number | undefined {
  if (token in WORDS) return WORDS[token];
  const single = token.replace(/(.)\1+/g, '$1');
  if (single in WORDS) return WORDS[single];
  return undefined;
}

export interface LocalSentimentDetail extends Sentiment {
  positive: number;
  negative: number;
}

export function classifyLocally(text: string): LocalSentimentDetail {
  const lower = text.toLowerCase();
  const { tokens, shouting } = tokenize(text);
  let positive = 0;
  let negative = 0;
  const add = (value: number) => {
    if (value > 0) positive += value;
    else negative -= value;
  };

  // Words after "but" weigh more: "nice crew but 3 hours late" is a complaint.
  const butIndex = tokens.lastIndexOf('but');
  tokens.forEach((token, i) => {
    let value = lookup(token);
    if (value === undefined || value === 0) return;
    for (let back = 1; back <= 3 && i - back >= 0; back++) {
      const previous = tokens[i - back] as string;
      if (NEGATORS.has(previous)) {
        value = -value * 0.75;
        break;
      }
    }
    const before = tokens[i - 1];
    if (before && before in INTENSIFIERS) value *= INTENSIFIERS[before] as number;
    if (before && before in DAMPENERS) value *= DAMPENERS[before] as number;
    if (shouting.has(i)) value *= 1.5;
    if (butIndex >= 0) value *= i > butIndex ? 1.3 : 0.7;
    add(value);
  });

  for (const [pattern, value] of PHRASES) if (pattern.test(lower)) add(value);
  for (const char of text) {
    const value = EMOJI[char];
    if (value !== undefined) add(value);
  }
  for (const [pattern, value] of EMOTICONS) {
    const matches = text.match(pattern);
    if (matches) add(value * matches.length);
  }

  const sarcastic = positive > 0 && negative > 0 && SARCASM.some((pattern) => pattern.test(lower));
  if (sarcastic) {
    negative += positive;
    positive = 0;
  }
  const exclaims = Math.min((text.match(/!/g) ?? []).length, 3);
  if (exclaims) {
    if (negative > positive) negative *= 1 + 0.1 * exclaims;
    else if (positive > negative) positive *= 1 + 0.1 * exclaims;
  }

  return { ...decide(positive, negative), positive, negative };
}

function decide(positive: number, negative: number): Sentiment {
  const strongest = Math.max(positive, negative);
  const weakest = Math.min(positive, negative);
  let label: SentimentLabel;
  if (strongest < 1) label = 'NEUTRAL';
  else if (weakest >= 2 && weakest / strongest >= 0.3) label = 'MIXED';
  else label = positive > negative ? 'POSITIVE' : 'NEGATIVE';

  // Scores are a calibrated-looking spread, not probabilities: they say how clear the reading was.
  const margin = Math.abs(positive - negative);
  const confidence =
    label === 'NEUTRAL' ? 1 / (1 + strongest) : Math.min(0.98, 0.5 + margin / (2 * (margin + 2)));
  const rest = 1 - confidence;
  const scores: SentimentScores = { positive: 0, negative: 0, neutral: 0, mixed: 0 };
  const key = label.toLowerCase() as keyof SentimentScores;
  scores[key] = confidence;
  const others = (Object.keys(scores) as Array<keyof SentimentScores>).filter((k) => k !== key);
  const weights = others.map((k) =>
    k === 'positive' ? positive + 0.2 : k === 'negative' ? negative + 0.2 : k === 'mixed' ? weakest + 0.1 : 1,
  );
  const total = weights.reduce((a, b) => a + b, 0);
  others.forEach((k, i) => {
    scores[k] = rest * ((weights[i] as number) / total);
  });
  for (const k of Object.keys(scores) as Array<keyof SentimentScores>)
    scores[k] = Math.round(scores[k] * 1000) / 1000;
  return { label, scores, source: 'local' };
}

export class LocalSentimentClassifier implements SentimentClassifier {
  async classify(inputs: SentimentInput[]): Promise<Sentiment[]> {
    return inputs.map((input) => {
      const { label, scores, source } = classifyLocally(input.text);
      const english = !input.lang || input.lang.startsWith('en');
      return english
        ? { label, scores, source }
        : { label, scores, source, note: `read as English (${input.lang})` };
    });
  }
}
