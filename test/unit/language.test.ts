import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import {
  COMPREHEND_SENTIMENT_LANGUAGES,
  detectLanguage,
  normalizeLanguageTag,
  routeSentimentLanguage,
  toComprehendLanguage,
} from '../../functions/core/language';

// Short care posts, written for these tests, in each language the detector must tell.
const posts: Array<[lang: string, text: string]> = [
  ['en', '@DemoAir my flight is delayed again and nobody tells us anything'],
  ['es', '@DemoAir mi vuelo lleva tres horas de retraso y nadie nos dice nada'],
  ['fr', '@DemoAir mon vol est encore en retard et personne ne nous dit rien'],
  ['de', '@DemoAir mein Flug hat schon wieder Verspätung und niemand sagt uns etwas'],
  ['pt', '@DemoAir o meu voo está atrasado outra vez e ninguém nos diz nada'],
  ['it', '@DemoAir il mio volo è di nuovo in ritardo e nessuno ci dice niente'],
  ['nl', '@DemoAir mijn vlucht heeft weer vertraging en niemand zegt ons iets'],
  ['ar', '@DemoAir رحلتي متأخرة مرة أخرى ولا أحد يخبرنا بشيء'],
  ['hi', '@DemoAir मेरी उड़ान फिर से देर से है'],
  ['ja', '@DemoAir フライトがまた遅れています'],
  ['ko', '@DemoAir 항공편이 또 지연되었습니다'],
  ['zh', '@DemoAir 我的航班又延误了，没有人告诉我们'],
  ['zh-TW', '@DemoAir 我的航班又延誤了，這裡沒有人告訴我們問題'],
  ['ru', '@DemoAir Мой рейс снова задерживается'],
  ['fa', '@DemoAir پرواز من دوباره تاخیر دارد و هیچ کس چیزی نمی‌گوید'],
  ['de', 'Danke schön für die schnelle Hilfe, der Koffer ist da'],
  ['es', '¿Dónde está mi maleta? Gracias'],
  ['fr', "Merci pour votre aide, j'ai enfin reçu mon bagage"],
];

for (const [lang, text] of posts) {
  test(`detects ${lang}: "${text}"`, () => {
    assert.equal(detectLanguage(text), lang);
  });
}

test('says undefined rather than guess on too little text', () => {
  for (const text of ['', 'ok', 'thanks!', '@DemoAir', 'https://t.co/abc', '😡😡', 'KL1234', 'gracias']) {
    assert.equal(detectLanguage(text), undefined, JSON.stringify(text));
  }
});

test('handles and hashtags in Latin letters do not outvote the script of the post', () => {
  assert.equal(detectLanguage('@DemoAirSupport @DemoAir #KL861 荷物が届きません'), 'ja');
});

test('is fast enough to run on every post', () => {
  // CPU time, not wall time: on a shared, loaded machine the wall clock also counts other processes' turns.
  const started = process.cpuUsage();
  const cpuMs = () => {
    const { user, system } = process.cpuUsage(started);
    return (user + system) / 1000;
  };
  let n = 0;
  while (cpuMs() < 100) {
    for (const [, text] of posts) detectLanguage(text);
    n += posts.length;
  }
  const perPost = cpuMs() / n;
  assert.ok(perPost < 0.2, `${perPost.toFixed(3)} ms of CPU per post, expected under 0.2`);
});

test('platform tags are normalised; tags that name no language give undefined', () => {
  assert.equal(normalizeLanguageTag('en'), 'en');
  assert.equal(normalizeLanguageTag('en_US'), 'en');
  assert.equal(normalizeLanguageTag('pt-BR'), 'pt');
  assert.equal(normalizeLanguageTag('zh-Hant'), 'zh-TW');
  assert.equal(normalizeLanguageTag('zh-tw'), 'zh-TW');
  assert.equal(normalizeLanguageTag('zh-cn'), 'zh');
  assert.equal(normalizeLanguageTag('in'), 'id');
  assert.equal(normalizeLanguageTag('iw'), 'he');
  for (const tag of ['und', 'zxx', 'qme', 'qht', 'qam', 'qct', 'qst', '', undefined, null, '12'])
    assert.equal(normalizeLanguageTag(tag), undefined, String(tag));
});

test('Comprehend reads exactly its twelve sentiment languages', () => {
  assert.deepEqual(
    [...COMPREHEND_SENTIMENT_LANGUAGES].sort(),
    ['ar', 'de', 'en', 'es', 'fr', 'hi', 'it', 'ja', 'ko', 'pt', 'zh', 'zh-TW'].sort(),
  );
  assert.equal(toComprehendLanguage('fr-CA'), 'fr');
  assert.equal(toComprehendLanguage('zh-Hant'), 'zh-TW');
  assert.equal(toComprehendLanguage('nl'), undefined);
  assert.equal(toComprehendLanguage('und'), undefined);
});

test('routes: the platform tag wins, English needs no note', () => {
  assert.deepEqual(routeSentimentLanguage({ text: 'mi vuelo lleva tres horas de retraso', lang: 'en' }), {
    lang: 'en',
    detected: false,
    comprehendLanguage: 'en',
  });
});

test('routes: a supported language goes to Comprehend and the note says how it was known', () => {
  const given = routeSentimentLanguage({ text: 'hola', lang: 'es' });
  assert.equal(given.comprehendLanguage, 'es');
  assert.equal(given.note, 'language Spanish (es), given');
  const detected = routeSentimentLanguage({ text: posts[2]![1] });
  assert.equal(detected.comprehendLanguage, 'fr');
  assert.equal(detected.detected, true);
  assert.equal(detected.note, 'language French (fr), detected');
});

test('routes: an unsupported language is read locally as English, and the note says so', () => {
  const route = routeSentimentLanguage({ text: posts[6]![1] });
  assert.equal(route.lang, 'nl');
  assert.equal(route.comprehendLanguage, undefined);
  assert.equal(
    route.note,
    'language Dutch (nl), detected: not one Comprehend reads for sentiment; read locally as English',
  );
  assert.match(
    routeSentimentLanguage({ text: 'x', lang: 'tr' }).note ?? '',
    /Turkish \(tr\), given: not one Comprehend/,
  );
});

test('routes: when neither the platform nor the detector knows, the post is taken as English', () => {
  assert.deepEqual(routeSentimentLanguage({ text: 'ok', lang: 'und' }), {
    lang: undefined,
    detected: false,
    comprehendLanguage: 'en',
  });
});
