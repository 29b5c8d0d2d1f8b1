/**
 * The labelled data the sentiment model is trained and measured on. None of it is in the repository
 * except the project's own hand labels (ids and labels, bench/care-labels/): the texts are read from a
 * data folder, by default ../shared/data beside the repository (--data DIR).
 */
import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCsv } from '../functions/cli/replay-command';
import { MODEL_CLASSES, type ModelClass } from '../functions/core/sentiment/care-model';

export interface Labelled {
  id: string;
  text: string;
  label: ModelClass;
  /** For hand labels: the labels file and the line's place in it. */
  file?: string;
  line?: number;
  /** The other columns of a hand label (needs a reply: yes/no, kind). */
  needsReply?: boolean;
  kind?: string;
  /** A care post that answers a brand's post (the corpus's in_response_to_tweet_id). */
  answersUs?: boolean;
}

export class MissingDataError extends Error {
  constructor(what: string, path: string, hint: string) {
    super(`${what} not found at ${path}. ${hint}`);
    this.name = 'MissingDataError';
  }
}

const FROM_SEMEVAL: Record<string, ModelClass> = {
  negative: 'NEGATIVE',
  neutral: 'NEUTRAL',
  positive: 'POSITIVE',
};

/** SemEval 2013-2016 Task 4A training tweets: `id<TAB>label<TAB>text` lines, texts sometimes quoted. */
export function loadSemEvalTrain(dataDir: string): Labelled[] {
  const file = join(dataDir, 'sentiment-train', 'semeval-2013-2016-task4a-train.tsv');
  if (!existsSync(file))
    throw new MissingDataError('the SemEval training set', file, 'Pass the data folder with --data DIR.');
  const rows: Labelled[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [id, label, ...rest] = line.split('\t');
    const mapped = FROM_SEMEVAL[(label ?? '').trim()];
    if (!id || !mapped) continue;
    let text = rest.join('\t').trim();
    if (text.startsWith('"') && text.endsWith('"') && text.length > 1)
      text = text.slice(1, -1).replace(/""/g, '"');
    rows.push({ id: id.trim(), text, label: mapped });
  }
  return rows;
}

/** The TweetEval validation split (general tweets): 0 negative, 1 neutral, 2 positive. */
export function loadTweetEvalDev(dataDir: string): Labelled[] {
  const dir = join(dataDir, 'sentiment-dev');
  const textFile = join(dir, 'val_text.txt');
  const labelFile = join(dir, 'val_labels.txt');
  if (!existsSync(textFile) || !existsSync(labelFile))
    throw new MissingDataError('the TweetEval dev set', dir, 'Pass the data folder with --data DIR.');
  const labels = readFileSync(labelFile, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const texts = readFileSync(textFile, 'utf8').split('\n');
  return labels.map((label, i) => ({
    id: `dev-${i}`,
    text: texts[i] ?? '',
    label: MODEL_CLASSES[Number(label)] as ModelClass,
  }));
}

/** Inbound posts of a "Customer Support on Twitter" CSV, by tweet id. */
async function loadCareTexts(file: string): Promise<Map<string, { text: string; answersUs: boolean }>> {
  const texts = new Map<string, { text: string; answersUs: boolean }>();
  let header: string[] | undefined;
  for await (const row of parseCsv(createReadStream(file))) {
    if (!header) {
      header = row;
      continue;
    }
    const get = (name: string) => row[(header as string[]).indexOf(name)];
    if (get('inbound') === 'True')
      texts.set(get('tweet_id') ?? '', {
        text: get('text') ?? '',
        answersUs: (get('in_response_to_tweet_id') ?? '') !== '',
      });
  }
  return texts;
}

/**
 * The project's hand labels of real care traffic: every `bench/care-labels/*.tsv` (`tweet_id<TAB>LABEL`),
 * joined to the texts of the care sample CSVs in the data folder. Each file says which CSV it labels
 * by its name (twcs-head-1000.tsv → twcs_head_1000.csv).
 */
export async function loadCareLabels(dataDir: string, labelsDir: string): Promise<Labelled[]> {
  const rows: Labelled[] = [];
  for (const name of readdirSync(labelsDir)
    .filter((n) => n.endsWith('.tsv'))
    .sort()) {
    const csv = join(dataDir, 'twcs-sample', `${name.replace(/\.tsv$/, '').replace(/-/g, '_')}.csv`);
    if (!existsSync(csv))
      throw new MissingDataError(
        `the care sample that ${name} labels`,
        csv,
        'Pass the data folder with --data DIR.',
      );
    const texts = await loadCareTexts(csv);
    let at = 0;
    for (const line of readFileSync(join(labelsDir, name), 'utf8').split('\n')) {
      const [id, label, needsReply, kind] = line.trim().split('\t');
      if (!id || !label) continue;
      if (!(MODEL_CLASSES as readonly string[]).includes(label))
        throw new Error(`${name}: "${line}" is not tweet_id<TAB>NEGATIVE|NEUTRAL|POSITIVE`);
      const post = texts.get(id);
      if (post === undefined) throw new Error(`${name}: tweet ${id} is not an inbound post of ${csv}`);
      rows.push({
        id: `care-${id}`,
        text: post.text,
        answersUs: post.answersUs,
        label: label as ModelClass,
        file: name,
        line: at++,
        ...(needsReply ? { needsReply: needsReply === 'yes' } : {}),
        ...(kind ? { kind } : {}),
      });
    }
  }
  return rows;
}

/** A tweet's words without handles, links and punctuation: TweetEval masks handles as @user, SemEval keeps them. */
export function overlapKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/@\w+/g, '')
    .replace(/https?:\/\/\S+/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

export function defaultDataDir(repoRoot: string): string {
  return resolve(repoRoot, '..', 'shared', 'data');
}
