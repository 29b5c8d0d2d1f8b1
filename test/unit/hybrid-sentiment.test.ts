import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import {
  createSentimentClassifier,
  parseSentimentMode,
  SentimentModeError,
} from '../../functions/adapters/sentiment-mode';
import {
  DEFAULT_HYBRID_THRESHOLD,
  type HybridBatchStats,
  HybridSentimentClassifier,
} from '../../functions/core/hybrid-sentiment';
import { LocalSentimentClassifier } from '../../functions/core/local-sentiment';
import type { Sentiment, SentimentClassifier, SentimentInput } from '../../functions/core/sentiment';

/** A stand-in for Comprehend: counts calls, keeps what it was asked, answers MIXED so it shows. */
class CountingRemote implements SentimentClassifier {
  calls: SentimentInput[][] = [];
  failWith: Error | undefined;
  async classify(inputs: SentimentInput[]): Promise<Sentiment[]> {
    this.calls.push(inputs);
    if (this.failWith) throw this.failWith;
    return inputs.map(() => ({
      label: 'MIXED',
      scores: { positive: 0.1, negative: 0.1, neutral: 0.1, mixed: 0.7 },
      source: 'comprehend',
    }));
  }
  get texts(): string[] {
    return this.calls.flat().map((input) => input.text);
  }
}

function setUp(threshold = DEFAULT_HYBRID_THRESHOLD) {
  const remote = new CountingRemote();
  const batches: HybridBatchStats[] = [];
  const hybrid = new HybridSentimentClassifier(new LocalSentimentClassifier(), remote, {
    threshold,
    onBatch: (stats) => batches.push(stats),
  });
  return { remote, hybrid, batches };
}

// Clear readings: the local reader is confident about these.
const confident = [
  'thank you so much, amazing crew and a wonderful flight! 😍',
  'absolutely brilliant service at the desk, thanks a lot!',
];
// Unsure readings: faint or no evidence, or praise and complaint at once.
const unsure = ['flight KL605 tomorrow', 'the lounge was ok', 'nice crew but the seat was broken'];

describe('HybridSentimentClassifier', () => {
  test('confident local readings never reach the remote', async () => {
    const { remote, hybrid } = setUp();
    const results = await hybrid.classify(confident.map((text) => ({ text })));
    assert.equal(remote.calls.length, 0);
    assert.equal(results.length, confident.length, 'one reading per post');
    for (const result of results) {
      assert.equal(result.source, 'local');
      assert.equal(result.label, 'POSITIVE');
      assert.match(result.note ?? '', /^local reading confident \(0\.\d\d ≥ 0\.70\)$/);
    }
  });

  test('unsure ones go to the remote, all in one call, and say why', async () => {
    const { remote, hybrid, batches } = setUp();
    const inputs = [...confident, ...unsure].map((text) => ({ text }));
    const results = await hybrid.classify(inputs);
    assert.equal(remote.calls.length, 1);
    assert.deepEqual(remote.texts, unsure);
    assert.deepEqual(
      remote.calls[0]!.map((input) => input.lang),
      unsure.map(() => 'en'),
    );
    results.slice(confident.length).forEach((result) => {
      assert.equal(result.source, 'comprehend');
      assert.equal(result.label, 'MIXED');
      assert.match(result.note ?? '', /^local reading unsure \(0\.\d\d < 0\.70\); read by Comprehend$/);
    });
    assert.deepEqual(batches, [
      {
        inputs: 5,
        local: 2,
        remote: 3,
        empty: 0,
        duplicate: 0,
        retweet: 0,
        unsupportedLanguage: 0,
        remoteFailed: false,
      },
    ]);
  });

  test('answers in input order whatever was decided where', async () => {
    const { hybrid } = setUp();
    const texts = [unsure[0]!, confident[0]!, unsure[1]!, confident[1]!];
    const results = await hybrid.classify(texts.map((text) => ({ text })));
    assert.deepEqual(
      results.map((r) => r.source),
      ['comprehend', 'local', 'comprehend', 'local'],
    );
  });

  test('nothing to read: empty text, only handles or links, never reach the remote', async () => {
    const { remote, hybrid, batches } = setUp();
    const results = await hybrid.classify([
      { text: '' },
      { text: '   ' },
      { text: '@DemoAir @DemoAirFares' },
      { text: '@DemoAir https://t.co/abc123' },
    ]);
    assert.equal(remote.calls.length, 0);
    assert.equal(results.length, 4, 'one reading per post');
    for (const result of results) {
      assert.equal(result.label, 'NEUTRAL');
      assert.equal(result.source, 'local');
      assert.equal(
        result.note,
        'nothing to read (only handles, links or whitespace); not sent to Comprehend',
      );
    }
    assert.equal(batches[0]?.empty, 4);
  });

  test('an emoji is something to read', async () => {
    const { remote, hybrid } = setUp();
    const [result] = await hybrid.classify([{ text: '@DemoAir 😡😡😡' }]);
    assert.equal(result?.label, 'NEGATIVE');
    assert.equal(remote.calls.length, 0);
  });

  test('exact duplicates within a batch are read once and share the reading', async () => {
    const { remote, hybrid, batches } = setUp();
    const copy = 'the lounge was ok';
    const results = await hybrid.classify([
      { text: copy },
      { text: 'hello' },
      { text: copy },
      { text: copy },
    ]);
    assert.equal(remote.calls.length, 1);
    assert.equal(remote.texts.filter((t) => t === copy).length, 1);
    assert.equal(results[2]?.label, results[0]?.label);
    assert.equal(results[2]?.source, 'comprehend');
    assert.match(
      results[2]?.note ?? '',
      /^duplicate of post 1 in this batch; not read again; local reading unsure/,
    );
    assert.equal(batches[0]?.duplicate, 2);
  });

  test('retweets without text of their own are read locally, never sent', async () => {
    const { remote, hybrid, batches } = setUp();
    const [retweet, quote] = await hybrid.classify([
      { text: 'RT @someone: flight KL605 tomorrow' },
      { text: 'same here RT @someone: flight KL605 tomorrow' },
    ]);
    assert.equal(retweet?.source, 'local');
    assert.equal(retweet?.note, 'retweet without text of its own; read locally');
    assert.deepEqual(remote.texts, ['same here RT @someone: flight KL605 tomorrow']);
    assert.equal(quote?.source, 'comprehend');
    assert.equal(batches[0]?.retweet, 1);
  });

  test('languages Comprehend reads but the local reader does not go to Comprehend with their code', async () => {
    const { remote, hybrid } = setUp();
    const [given, detected] = await hybrid.classify([
      { text: 'merci beaucoup', lang: 'fr' },
      { text: '@DemoAir mi vuelo lleva tres horas de retraso y nadie nos dice nada' },
    ]);
    assert.deepEqual(
      remote.calls[0]!.map((input) => input.lang),
      ['fr', 'es'],
    );
    assert.equal(given?.note, 'French (fr) given: the local reader reads English only; read by Comprehend');
    assert.equal(
      detected?.note,
      'Spanish (es) detected: the local reader reads English only; read by Comprehend',
    );
  });

  test('languages Comprehend does not read are read locally as English, with a note', async () => {
    const { remote, hybrid, batches } = setUp();
    const [dutch] = await hybrid.classify([
      { text: '@DemoAir mijn vlucht heeft weer vertraging en niemand zegt ons iets' },
    ]);
    assert.equal(remote.calls.length, 0);
    assert.equal(dutch?.source, 'local');
    assert.equal(
      dutch?.note,
      'language Dutch (nl), detected: not one Comprehend reads for sentiment; read locally as English',
    );
    assert.equal(batches[0]?.unsupportedLanguage, 1);
  });

  test('when the remote fails, its posts are read locally and the note says so', async () => {
    const { remote, hybrid, batches } = setUp();
    remote.failWith = Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
    const results = await hybrid.classify([...confident, ...unsure].map((text) => ({ text })));
    assert.equal(remote.calls.length, 1);
    assert.equal(results.length, confident.length + unsure.length, 'one reading per post');
    for (const result of results.slice(confident.length)) {
      assert.equal(result.source, 'local');
      assert.equal(result.note, 'Comprehend failed (ThrottlingException); read locally');
    }
    assert.equal(batches[0]?.remoteFailed, true);
  });

  test('the threshold decides the split: 0 keeps everything local, 1 sends every readable post', async () => {
    const texts = [...confident, ...unsure, ''];
    const low = setUp(0);
    await low.hybrid.classify(texts.map((text) => ({ text })));
    assert.equal(low.remote.calls.length, 0);
    const high = setUp(1);
    await high.hybrid.classify(texts.map((text) => ({ text })));
    assert.equal(high.remote.texts.length, 5);
  });

  test('a threshold outside 0..1 is refused', () => {
    assert.throws(
      () =>
        new HybridSentimentClassifier(new LocalSentimentClassifier(), new CountingRemote(), {
          threshold: 70,
        }),
      /threshold must be between 0 and 1, got 70/,
    );
  });
});

describe('sentiment mode', () => {
  test('parses the allowed values, case and spaces ignored, with a default when unset', () => {
    assert.equal(parseSentimentMode(undefined, 'local'), 'local');
    assert.equal(parseSentimentMode('', 'comprehend'), 'comprehend');
    assert.equal(parseSentimentMode(' Hybrid ', 'local'), 'hybrid');
    assert.equal(parseSentimentMode('COMPREHEND', 'local'), 'comprehend');
  });

  test('refuses anything else with an error naming the allowed values', () => {
    assert.throws(
      () => parseSentimentMode('vader', 'local'),
      (error: unknown) =>
        error instanceof SentimentModeError &&
        error.message === 'SENTIMENT must be one of local, comprehend, hybrid; got "vader"',
    );
  });

  test('builds the classifier for each mode, and Comprehend only when the mode needs it', async () => {
    let built = 0;
    const remote = new CountingRemote();
    const makeComprehend = () => {
      built++;
      return remote;
    };
    const local = createSentimentClassifier('local', makeComprehend);
    assert.ok(local instanceof LocalSentimentClassifier);
    assert.equal(built, 0);
    assert.equal(createSentimentClassifier('comprehend', makeComprehend), remote);
    assert.equal(built, 1);
    const hybrid = createSentimentClassifier('hybrid', makeComprehend, { threshold: 0.9 });
    assert.ok(hybrid instanceof HybridSentimentClassifier);
    assert.equal(built, 2);
    await hybrid.classify([{ text: 'the lounge was ok' }]);
    assert.equal(remote.calls.length, 1);
  });
});
