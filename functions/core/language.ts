/**
 * Which language a post is in, and who can read its sentiment. Platforms usually say (X's `lang`,
 * Meta's locale); when they do not, or say "undetermined", a small detector guesses from the script
 * and from common function words. It returns undefined rather than guess on too little text.
 */

/** The languages Amazon Comprehend reads for sentiment (DetectSentiment / BatchDetectSentiment). */
export const COMPREHEND_SENTIMENT_LANGUAGES = [
  'ar',
  'hi',
  'ko',
  'zh-TW',
  'ja',
  'zh',
  'de',
  'pt',
  'en',
  'it',
  'fr',
  'es',
] as const;
export type ComprehendSentimentLanguage = (typeof COMPREHEND_SENTIMENT_LANGUAGES)[number];
const COMPREHEND = new Set<string>(COMPREHEND_SENTIMENT_LANGUAGES);

/**
 * Tags that name no language: X's "und" and its q-codes for posts that are only media links,
 * hashtags, mentions, cashtags or too short ("qme", "qht", "qam", "qct", "qst"), and ISO's "zxx".
 */
const UNDETERMINED = new Set(['und', 'zxx', 'qme', 'qht', 'qam', 'qct', 'qst', 'art', 'mul', 'xx']);
/** Old or platform-specific codes for the same language. */
const ALIASES: Record<string, string> = {
  in: 'id',
  iw: 'he',
  ji: 'yi',
  jw: 'jv',
  nb: 'no',
  nn: 'no',
  fil: 'tl',
};
const TRADITIONAL_CHINESE = new Set(['zh-tw', 'zh-hk', 'zh-mo', 'zh-hant', 'zh-hant-tw', 'zh-hant-hk']);

/** A platform tag as a BCP 47 language ("en_US" → "en", "zh-Hant" → "zh-TW"), or undefined when it names none. */
export function normalizeLanguageTag(tag: string | undefined | null): string | undefined {
  if (!tag) return undefined;
  const lower = tag.trim().replace(/_/g, '-').toLowerCase();
  if (!lower || UNDETERMINED.has(lower)) return undefined;
  if (TRADITIONAL_CHINESE.has(lower)) return 'zh-TW';
  const base = lower.split('-')[0] as string;
  if (!/^[a-z]{2,3}$/.test(base) || UNDETERMINED.has(base)) return undefined;
  return ALIASES[base] ?? base;
}

/** Comprehend's code for a language tag, or undefined when Comprehend does not read its sentiment. */
export function toComprehendLanguage(tag: string | undefined): ComprehendSentimentLanguage | undefined {
  const lang = normalizeLanguageTag(tag);
  return lang && COMPREHEND.has(lang) ? (lang as ComprehendSentimentLanguage) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Detection.

/** Frequent function words (and a few care words) per Latin-script language. */
const FUNCTION_WORDS: Record<string, string> = {
  en: `the and is are was were to of in it you that this for with my on have has not be what why how just your
    me i we they at from but will can do does been would there when get got an so please thanks thank
    flight bag delayed still`,
  es: `el la los las de que y en un una por para con no es está están mi mis pero muy como más ya lo le les se
    su sus del al hay tengo gracias hola porque cuando también sin nada vuelo todo esto este esta fue ser
    han he hemos qué cómo dónde favor ustedes maleta retraso todavía hoy`,
  fr: `le la les de des du et est un une que qui pas ne je tu il elle nous vous ils mon ma mes pour avec sur
    dans ce cette mais très plus merci bonjour où été avoir suis sont au aux votre vos toujours rien
    encore j qu c est vol bagage retard aujourd hui`,
  de: `der die das und ist nicht ich du er sie wir ihr mit auf für von zu den dem ein eine einen es auch noch
    schon aber wie was wo warum bei nach seit mein meine kein keine bitte danke sehr immer wieder heute
    jetzt habe hat sind war wurde gibt oder nur flug koffer verspätung`,
  pt: `o a os as de do da dos das e é que em no na nos um uma para com não mas meu minha por se mais muito já
    foi está estou obrigado obrigada você vocês ainda até sem isso isto esse essa ele ela eu tem ter voo
    quando como também porque hoje mala atraso`,
  it: `il lo la gli le di da del della che e è un una per con non ma mi ti si sono sei ho hai ha abbiamo
    questo questa anche ancora grazie ciao perché come più molto sempre volo nel nella al alla dei delle
    io tu lui lei noi voi loro mio mia ci se valigia ritardo oggi`,
  nl: `de het een en van is niet ik je jij u we wij zij ze met op voor aan dat die dit er maar ook nog al wel
    geen naar om bij uit zijn was heb heeft hebben wordt worden mijn jullie bedankt dank alsjeblieft
    graag vlucht waarom wanneer hoe wat te tot dan als nu koffer vertraging vandaag`,
};

/** Each word's weight per language: words only one language uses count double, shared ones less. */
const WORD_WEIGHTS = new Map<string, Array<[string, number]>>();
{
  const owners = new Map<string, string[]>();
  for (const [lang, list] of Object.entries(FUNCTION_WORDS)) {
    for (const word of list.split(/\s+/)) {
      if (!word) continue;
      const langs = owners.get(word) ?? [];
      if (!langs.includes(lang)) langs.push(lang);
      owners.set(word, langs);
    }
  }
  for (const [word, langs] of owners)
    WORD_WEIGHTS.set(
      word,
      langs.map((lang) => [lang, 2 / langs.length]),
    );
}

/** Letters that only some Latin-script languages use. */
const LETTER_HINTS: Array<[RegExp, Array<[string, number]>]> = [
  [/[ñ¿¡]/g, [['es', 2]]],
  [/[ãõ]/g, [['pt', 2]]],
  [
    /ç/g,
    [
      ['pt', 1],
      ['fr', 1],
    ],
  ],
  [/ß/g, [['de', 3]]],
  [/[äöü]/g, [['de', 1.5]]],
  [/[èêâîôûœëïù]/g, [['fr', 1]]],
  [/[ìò]/g, [['it', 1.5]]],
  [/ij/g, [['nl', 0.5]]],
];

/** Languages whose script gives them away, by Unicode block. */
function scriptOf(code: number): string | undefined {
  if (code < 0x0370) return undefined;
  if (code >= 0x0600 && code <= 0x06ff) return 'ar';
  if ((code >= 0x0750 && code <= 0x077f) || (code >= 0x08a0 && code <= 0x08ff)) return 'ar';
  if ((code >= 0xfb50 && code <= 0xfdff) || (code >= 0xfe70 && code <= 0xfeff)) return 'ar';
  if (code >= 0x0900 && code <= 0x097f) return 'hi';
  if ((code >= 0x3040 && code <= 0x30ff) || (code >= 0x31f0 && code <= 0x31ff)) return 'kana';
  if (
    (code >= 0xac00 && code <= 0xd7af) ||
    (code >= 0x1100 && code <= 0x11ff) ||
    (code >= 0x3130 && code <= 0x318f)
  )
    return 'ko';
  if ((code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf)) return 'han';
  if (code >= 0x0400 && code <= 0x04ff) return 'ru';
  if (code >= 0x0370 && code <= 0x03ff) return 'el';
  if (code >= 0x0590 && code <= 0x05ff) return 'he';
  if (code >= 0x0e00 && code <= 0x0e7f) return 'th';
  return undefined;
}

/** Characters written differently in traditional and simplified Chinese (the common ones). */
const TRADITIONAL_ONLY = new Set([
  ...'這們來個說時國會對過還後發開問題點機場務戶謝請為與關體麼們愛從動電話號碼處辦經現應該樣',
]);
const SIMPLIFIED_ONLY = new Set([
  ...'这们来个说时国会对过还后发开问题点机场务户谢请为与关体么们爱从动电话号码处办经现应该样',
]);
/** Letters of Persian and Urdu that Arabic does not use: Comprehend reads Arabic, not these. */
const PERSIAN = /[پچژگ]/;
const URDU = /[ٹڈڑںے]/;
const UKRAINIAN = /[іїєґ]/i;

/**
 * The language of a short post, or undefined when unsure. Non-Latin scripts are told by their Unicode
 * blocks (ar, hi, ja, ko, zh, zh-TW and a few others); Latin-script ones (en, es, fr, de, pt, it, nl) by
 * function words and letters, needing at least two clues and a clear lead over the runner-up.
 */
export function detectLanguage(text: string): string | undefined {
  const scripts = new Map<string, number>();
  let latin = 0;
  let traditional = 0;
  let simplified = 0;
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if ((code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || (code >= 0xc0 && code <= 0x24f)) {
      latin++;
      continue;
    }
    const script = scriptOf(code);
    if (!script) continue;
    scripts.set(script, (scripts.get(script) ?? 0) + 1);
    if (script === 'han') {
      if (TRADITIONAL_ONLY.has(char)) traditional++;
      else if (SIMPLIFIED_ONLY.has(char)) simplified++;
    }
  }

  // Handles, hashtags and links are Latin whatever the language: count only what is left.
  const words = text
    .toLowerCase()
    .replace(/https?:\/\/\S+|www\.\S+|[@#][\p{L}\p{N}_]+/gu, ' ')
    .split(/[^\p{L}]+/u)
    .filter(Boolean);
  const latinLeft = words.reduce((n, w) => n + (/[a-zà-ɏ]/.test(w) ? w.length : 0), 0);

  let nonLatin = 0;
  for (const count of scripts.values()) nonLatin += count;
  if (nonLatin >= 2 && nonLatin >= Math.min(latin, latinLeft)) {
    if (scripts.has('kana')) return 'ja';
    if (scripts.has('ko') && (scripts.get('ko') as number) >= (scripts.get('han') ?? 0)) return 'ko';
    if (scripts.has('han')) return traditional > simplified ? 'zh-TW' : 'zh';
    let best: string | undefined;
    let bestCount = 0;
    for (const [script, count] of scripts) {
      if (count > bestCount) {
        best = script;
        bestCount = count;
      }
    }
    if (best === 'ar') return URDU.test(text) ? 'ur' : PERSIAN.test(text) ? 'fa' : 'ar';
    if (best === 'ru' && UKRAINIAN.test(text)) return 'uk';
    return best;
  }

  const scores = new Map<string, number>();
  let clues = 0;
  const credit = (lang: string, weight: number) => scores.set(lang, (scores.get(lang) ?? 0) + weight);
  for (const word of words) {
    const weights = WORD_WEIGHTS.get(word);
    if (!weights) continue;
    clues++;
    for (const [lang, weight] of weights) credit(lang, weight);
  }
  const lower = text.toLowerCase();
  for (const [pattern, hints] of LETTER_HINTS) {
    const found = lower.match(pattern)?.length ?? 0;
    if (!found) continue;
    clues++;
    for (const [lang, weight] of hints) credit(lang, weight * Math.min(found, 3));
  }
  if (clues < 2) return undefined;

  let best: string | undefined;
  let first = 0;
  let second = 0;
  for (const [lang, score] of scores) {
    if (score > first) {
      second = first;
      first = score;
      best = lang;
    } else if (score > second) second = score;
  }
  return best && first >= 2 && first >= second * 1.5 ? best : undefined;
}

// ---------------------------------------------------------------------------------------------
// Routing.

export interface LanguageRoute {
  /** The language read: as the platform gave it, else as detected; undefined when neither knows. */
  lang: string | undefined;
  /** True when the platform did not say and the detector did. */
  detected: boolean;
  /** Comprehend's code when Comprehend reads this language; undefined means the local English reader. */
  comprehendLanguage: ComprehendSentimentLanguage | undefined;
  /** For the case record, when the reading is not plain English. */
  note?: string;
}

const NAMES: Record<string, string> = {
  en: 'English',
  es: 'Spanish',
  fr: 'French',
  de: 'German',
  pt: 'Portuguese',
  it: 'Italian',
  nl: 'Dutch',
  ar: 'Arabic',
  hi: 'Hindi',
  ja: 'Japanese',
  ko: 'Korean',
  zh: 'Chinese',
  'zh-TW': 'Traditional Chinese',
  ru: 'Russian',
  uk: 'Ukrainian',
  el: 'Greek',
  he: 'Hebrew',
  th: 'Thai',
  fa: 'Persian',
  ur: 'Urdu',
  tr: 'Turkish',
  id: 'Indonesian',
  pl: 'Polish',
  sv: 'Swedish',
};

/** "Dutch (nl)", or the bare code when it has no name here. */
export function describeLanguage(lang: string): string {
  const name = NAMES[lang];
  return name ? `${name} (${lang})` : lang;
}

/**
 * Who reads a post's sentiment: Comprehend for the languages it reads; the local English reader for
 * the rest, with a note saying so. A post whose language nobody can tell is taken as English, which
 * is what Comprehend assumes too.
 */
export function routeSentimentLanguage(input: { text: string; lang?: string | undefined }): LanguageRoute {
  const given = normalizeLanguageTag(input.lang);
  const lang = given ?? detectLanguage(input.text);
  const detected = !given && lang !== undefined;
  if (!lang) return { lang: undefined, detected: false, comprehendLanguage: 'en' };
  const comprehendLanguage = COMPREHEND.has(lang) ? (lang as ComprehendSentimentLanguage) : undefined;
  const how = detected ? 'detected' : 'given';
  if (comprehendLanguage === 'en') return { lang, detected, comprehendLanguage };
  if (comprehendLanguage)
    return { lang, detected, comprehendLanguage, note: `language ${describeLanguage(lang)}, ${how}` };
  return {
    lang,
    detected,
    comprehendLanguage,
    note: `language ${describeLanguage(lang)}, ${how}: not one Comprehend reads for sentiment; read locally as English`,
  };
}
