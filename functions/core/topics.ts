/**
 * What a post is about, from the brand's own topics (config: name, keywords, example phrases). A
 * keyword is a word or phrase matched whole, case-insensitively, with a plural or verb ending allowed
 * ("delay" finds "delayed", "delays"); an example phrase counts when most of its words are in the post.
 * The topic with the most evidence wins; ties go to the earlier topic in the config; no evidence: null.
 */
export interface TopicDefinition {
  name: string;
  keywords: readonly string[];
  examples?: readonly string[];
}

export interface TopicMatch {
  topic: string | null;
  /** The keywords or example phrases that matched, for the case record. */
  matched: string[];
}

const ENDINGS = '(?:s|es|ed|d|ing|er|ers)?';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

export class TopicMatcher {
  private readonly compiled: Array<{
    name: string;
    keywords: Array<{ keyword: string; pattern: RegExp }>;
    examples: Array<{ phrase: string; words: Set<string> }>;
  }>;

  constructor(topics: readonly TopicDefinition[]) {
    this.compiled = topics.map((topic) => ({
      name: topic.name,
      keywords: topic.keywords.map((keyword) => ({
        keyword,
        pattern: new RegExp(
          `(^|[^\\p{L}\\p{N}])${keyword
            .toLowerCase()
            .trim()
            .split(/\s+/)
            .map(escapeRegExp)
            .join('\\s+')}${ENDINGS}(?=$|[^\\p{L}\\p{N}])`,
          'iu',
        ),
      })),
      examples: (topic.examples ?? []).map((phrase) => ({
        phrase,
        words: new Set(words(phrase).filter((w) => w.length > 2)),
      })),
    }));
  }

  match(text: string): TopicMatch {
    const postWords = new Set(words(text));
    let best: TopicMatch & { score: number } = { topic: null, matched: [], score: 0 };
    for (const topic of this.compiled) {
      const matched: string[] = [];
      let score = 0;
      for (const { keyword, pattern } of topic.keywords)
        if (pattern.test(text)) {
          matched.push(keyword);
          score += 1;
        }
      for (const { phrase, words: needed } of topic.examples) {
        if (needed.size === 0) continue;
        let found = 0;
        for (const word of needed) if (postWords.has(word)) found++;
        if (found / needed.size >= 0.6) {
          matched.push(phrase);
          score += found / needed.size;
        }
      }
      if (score > best.score) best = { topic: topic.name, matched, score };
    }
    return { topic: best.topic, matched: best.matched };
  }
}

const matchers = new WeakMap<readonly TopicDefinition[], TopicMatcher>();
/** One matcher per topic list (a brand's config), compiled on first use. */
export function topicMatcherFor(topics: readonly TopicDefinition[]): TopicMatcher {
  let matcher = matchers.get(topics);
  if (!matcher) {
    matcher = new TopicMatcher(topics);
    matchers.set(topics, matcher);
  }
  return matcher;
}
