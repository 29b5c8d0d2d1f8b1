/**
 * Word lists for the local sentiment classifier, written for this project (not copied from a
 * published lexicon). Valences run from -4 (abuse, "worst") to +4 ("best ever"); most words sit at
 * ±1 to ±3. Words are lowercase, without apostrophes ("dont", "cant"), in their common inflections;
 * the classifier also tries a few suffix strippings, so not every form is listed.
 *
 * Customer-care vocabulary is deliberately part of the general lexicon: "delayed", "stranded",
 * "overbooked" and "unanswered" are complaints in a mention to a brand even though general-purpose
 * lexicons leave them neutral.
 */
export const WORD_VALENCES: ReadonlyArray<readonly [number, string]> = [
  [
    -4,
    `worst horrendous abysmal atrocious appalling disgusting despicable vile loathe loathing hate hated
    hates hating hateful furious livid fuming enraged outraged disgrace disgraceful scam scammed
    scammer scammers scamming fraud fraudulent ripoff shambolic unacceptable inexcusable unforgivable
    cunt motherfucker motherfuckers asshole assholes bastard bastards bullshit horrific horrifying
    heartbroken devastated traumatised traumatized sickening deplorable`,
  ],
  [
    -3,
    `terrible horrible awful dreadful pathetic useless incompetent incompetence shameful shambles
    nightmare disaster disastrous ridiculous ludicrous absurd outrageous rude rudest arrogant abusive
    abuse insulting insult insulted disrespectful disrespected humiliating humiliated degrading sucks
    sucked suck crap crappy shit shitty shite fuck fucked fucking fuckin fck fk stfu wtf idiot idiots
    idiotic stupid stupidity moron morons moronic dumb dumbass jerk jerks douche douchebag loser losers
    garbage trash rubbish junk lousy miserable misery depressing depressed depression tragic tragedy
    nasty gross filthy disgusted sickened angry angrier angriest mad pissed infuriating infuriated
    infuriates frustrating frustrated furiously annoying annoyed irritating irritated unbearable
    intolerable hopeless helpless worthless clueless negligent negligence liar liars lying lies lied
    cheat cheated cheating cheats thief thieves stole stolen stealing robbed robbery extortion
    overcharged overcharging stranded fail failed failing fails failure failures incompetently
    ruined ruin ruining ruins destroyed wrecked evil cruel killed kill killer murder murdered murderer
    rape raped racist racism sexist bigot terrorist terrorism terror massacre slaughter dead death
    deaths died dies dying die suicide grief grieving mourning worse unreliable untrustworthy
    crooks crooked corrupt shameless heartless careless sloppy unprofessional unhelpful uncaring
    ignorant ignored ignoring unanswered unreturned betrayed betrayal dishonest misleading deceptive
    deceived lied disappointing disappointed disappointment disappointments letdown regret regrets
    regretted nightmarish hellish scary terrified terrifying afraid frightened fear fears panic
    ugh argh grr ughh fml smh furious crying cried heartbreaking sad saddest sadly unhappy upset
    upsetting distraught angst anguish agony pain painful hurts hurting suffering suffer suffered`,
  ],
  [
    -2,
    `bad poor poorly wrong wrongly broken broke break breaks faulty defective damaged damage damages
    dirty smelly stinks stinky stink cold rotten mouldy moldy stale spoiled late lateness delay delays
    delayed delaying cancelled canceled cancellation cancellations cancelling canceling flightled
    flighted stuck lost losing lose loses missing missed overbooked overbooking bumped downgraded
    downgrade overpriced expensive pricey rip waste wasted wasting wastes slow slowest sluggish lag
    laggy lagging outage outages glitch glitches glitchy bug buggy bugs crash crashed crashes crashing
    freeze freezes freezing frozen error errors problem problems issue issues trouble troubles
    troubled hassle inconvenience inconvenient inconvenienced mess messed messy chaos chaotic confusing
    confused confusion complaint complaints complain complained complaining complains refused refuses
    refusing refusal denied deny denies denying declined rejected reject unable impossible annoy
    annoys bother bothered bothering fed tired sick sickness ill injured injury hurt hurts worried
    worry worrying worries anxious anxiety stress stressed stressful nervous concern concerned
    concerning uncomfortable cramped unsafe dangerous danger risky threat threatened threatening
    warning blame blamed blaming fault excuse excuses lame meh boring bored bores dull mediocre
    subpar inadequate insufficient unfair unjust unjustified penalty penalized fine fined fee fees
    charged surcharge hidden nonexistent unavailable unreachable disconnected dropped drop drops
    hangs hung unresponsive sorry apologize apology apologies shame ashamed embarrassing embarrassed
    embarrassment awkward lonely alone cry cries tears weep sigh sighs meh nope nah damn dammit
    goddamn crappy hell freaking frickin bloody bitch bitches bitching bitchy whining whine whiny
    scream screaming yelled yelling shouting shout hostile aggressive violent violence attack attacks
    attacked attacking war wars bomb bombing bombs shooting shot shootings crash injured victims
    victim hostage kidnapped arrested jail prison guilty crime criminal criminals illegal fake
    fraudster hoax conspiracy propaganda sucky suckers sucker nonsense bs crazy insane mental
    weird creepy ugly uglier hideous fat poverty poor hunger starving homeless jobless unemployed
    recession crisis collapse bankrupt debt lawsuit sue sued suing protest riot riots strike
    strikes shutdown closed closure shut jammed congested traffic queue queues queuing queueing
    unplugged outdated obsolete worthless pointless useless meaningless nothing nobody noone
    never waited waiting wait hold holding`,
  ],
  [
    -1,
    `difficult hard tough struggle struggling struggled strange odd unclear unsure doubt doubts
    doubtful skeptical sceptical suspicious mistake mistakes oops small tiny limited lack
    lacking lacks less least minus cost costs costly pay paying paid again still yet another hmm
    hmmm why seriously really sorta kinda enough tired sleepy exhausted hungry thirsty sick cough
    flu cold rain rainy storm stormy hurricane flood flooding snow snowstorm fire fires smoke
    refund refunds reimburse reimbursement compensation claim claims dispute disputed argue arguing
    argument fight fighting fought fights battle conflict against lost loss losses defeat defeated
    beaten beat lose unfortunately unfortunate bummer unlucky miss misses hardly barely cheap
    noisy loud crowded busy packed rushed hurry rush pressure blocked block banned ban warn warned
    mourn rip funeral grave sorrow regretful`,
  ],
  [
    1,
    `ok okay okey alright fine decent fair reasonable acceptable interesting interested curious
    helpful useful handy ready safe secure calm quiet clean tidy fresh warm sunny free bonus
    deal deals discount sale save saved saving savings offer offers gift gifts prize prizes reward
    rewards win wins won winning gain gains success successful solve solved fix fixed resolve
    resolved sort sorted working works worked improve improved improvement improving better upgrade
    upgraded punctual ontime early quick quickly fast faster prompt promptly speedy smooth
    smoothly easy easier easily simple convenient comfy cozy cosy roomy spacious tasty yummy
    delicious lol lmao lmfao rofl haha hahaha hehe hihi xd welcome hope hoped hopes hoping
    hopefully wish wishes wishing luck lucky pray prayers blessing support supported supporting
    supportive respect respected trust trusted honest fair yes yay yeah yep woo woohoo hooray
    ha hah pretty cute sweet nice like liked likes fan fans favorite favourite fave fav faves
    follow followed join joined celebrate celebrating celebration party fun funny hilarious laugh
    laughing laughed smile smiling smiled enjoy enjoyed enjoying enjoys glad pleased relief
    relieved recommend recommended worth valuable deserve deserved deserves agree agreed okay
    promising promise cheers cheer peace alive healthy heal healed healing recovered recovery
    hero heroes champion champions champ victory victorious legend legendary legit solid
    congrats congratulations bday birthday anniversary holiday holidays vacation weekend
    friday summer sunshine beach`,
  ],
  [
    2,
    `good great nice lovely love loved loves loving lovin happy happier happily glad thanks thank
    thankyou thx ty tysm tks cheers grateful thankful appreciate appreciated appreciates
    appreciation appreciative kind kindly kindness friendly polite courteous caring helpful
    pleasant pleasure enjoyable delightful cool awesome wonderful beautiful gorgeous stunning pretty
    lovely handsome adorable precious charming elegant impressive impressed proud pride excited
    exciting excitement thrilled stoked pumped hyped psyched eager glad joy joyful cheerful fun
    funny hilarious brilliant excellent superb fantastic fabulous fab terrific marvelous
    marvellous splendid super amazing amazed incredible awesome perfect perfection perfectly
    outstanding exceptional remarkable extraordinary phenomenal spectacular magnificent
    beautifully wonderfully nicely smoothly efficient effective professional attentive generous
    accommodating responsive reliable dependable recommend recommending win winner winners
    congrats congratulations blessed bless blessings fortunate lucky inspire inspired inspiring
    inspiration motivated motivating encouraging encourage hope optimistic positive productive
    satisfied satisfying satisfaction comfortable relaxing relaxed refreshing peaceful heaven
    heavenly paradise dream dreams dreamy magical magic bliss blissful epic dope lit bae
    yass yasss woot woohoo hurray hooray yay yey wow wowza favourite favorite best
    fave faves thrive thriving flourishing rocks rock rocked rocking rules ruled killing slay
    slayed slaying nailed crushed crushing smashed gem treasure kudos bravo props shoutout
    welcome welcomed welcoming warm warmly fresh delicious tasty yum yummy scrumptious`,
  ],
  [
    3,
    `amazing awesome excellent fantastic brilliant superb outstanding wonderful perfect incredible
    phenomenal exceptional spectacular magnificent marvelous marvellous fabulous terrific stellar
    flawless impeccable loveliest greatest finest happiest proudest delighted ecstatic overjoyed
    elated euphoric thrilled grateful thankful blessed adore adored adores adoring beloved
    wonderfully brilliantly superbly heartwarming heartfelt gorgeous breathtaking stunning
    unforgettable legendary masterpiece genius`,
  ],
  [4, `bestest loveit lovethis`],
  // Everyday vocabulary beyond the core lists above.
  [
    -2,
    `jealous envious envy vulnerable flaw flawed flaws deficit scandal scandals punished punish
    punishment fumble fumbled blunder blunders mistake botched bungled screwed screwup screwups
    stuffed messing mishandled mishandling chopping abused neglect neglected neglecting
    abandoned abandon dumped cheated lies shady sketchy dodgy rubbish awful aggravate aggravating
    aggravated irritate irritates disturbing disturbed alarming appalled shocking shocked
    unimpressed displeased dissatisfied unsatisfied unsatisfactory disgruntled grumpy cranky moody
    bitter resent resentful hostile spiteful pissy salty stfu shutup hates despise despised dislike
    disliked dislikes detest unfollow unfollowed blocked sucks boo booo yikes eww ew gross yuck
    creep creepy cringe cringey cringy lame stupidest dumbest weakest poorest lowest losing
    penalised penalized stolen hacked hack hacker spam spammed spammy virus malware breach leaked
    worsened worsening deteriorated decline declining plummet plummeted slump collapsed
    struggling suffer sufferer sorrowful tragically fatal fatally deadly casualties wounded
    injuries bleeding sick vomit vomiting puke nauseous headache migraine exhausting drained
    overwhelmed burnt burnout`,
  ],
  [
    2,
    `succeed succeeded succeeding succeeds successful powerful honored honoured honor honour
    privileged finally surprise surprised stoked grateful legendary iconic
    classic masterpiece banger bangers gem wholesome adorable cutie sweetheart darling hottie
    fab yummy delish tasty crisp gorgeous pleasantly smashing cracking chuffed buzzing
    chilling chillin relaxing vibes goodvibes positivity uplifting heartwarming touching
    memorable unforgettable champ champs unbeaten undefeated triumph triumphant celebrate
    celebrated celebrating cheering congratulate congratulated recommendation awesomeness
    greatness goodness kindest sweetest coolest nicest funniest smartest bravest strongest
    proudly gladly happily luckily thankfully fortunately`,
  ],
  [1, `ready hype hyped hyping exclusive premiere debut launch launching launched`],
];

/**
 * Where a word appears in several groups above, the strongest reading wins; these are forced
 * afterwards because their everyday sense in mentions differs from the dictionary one.
 */
export const WORD_OVERRIDES: ReadonlyArray<readonly [string, number]> = [
  ['like', 0], // "like" is mostly a preposition or filler; the classifier reads "i like" itself
  ['likes', 1],
  ['pretty', 0.5], // "pretty good" is weaker than "good"; the adjective sense is rarer
  ['fine', 0.5], // "fine" as a charge is rarer in mentions than "I'm fine"
  ['fined', -2],
  ['kill', -2],
  ['killing', -1],
  ['killed', -2.5],
  ['crazy', -1],
  ['insane', -1],
  ['sick', -1.5],
  ['ill', 0],
  ['later', 0],
  ['latest', 0],
  ['lowest', -1],
  ['sorry', -1],
  ['kindly', 0.5],
  ['surprise', 1],
  ['surprised', 0.5],
  ['fresh', 1],
  ['omg', 0.5],
  ['omfg', 0.5],
  ['apologies', -0.5],
  ['apology', -0.5],
  ['apologize', -0.5],
  ['apologise', -0.5], // mostly "I'll" typed without the apostrophe
  ['lost', -2],
  ['beat', -0.5],
  ['hope', 1],
  ['wish', 0.5],
  ['free', 1],
  ['cold', -0.5],
  ['fire', -0.5],
  ['shot', -1],
  ['crash', -2],
  ['wait', -0.5],
  ['waiting', -1],
  ['waited', -1.5],
  ['hold', -0.5],
  ['holding', -0.5],
  ['never', -0.5],
  ['nothing', -0.5],
  ['nobody', -1],
  ['noone', -1],
  ['still', -0.5],
  ['again', -0.5],
  ['yet', 0],
  ['another', 0],
  ['really', 0],
  ['why', -0.5],
  ['seriously', -1],
  ['pay', -0.5],
  ['paid', -0.5],
  ['paying', -0.5],
  ['cost', -0.5],
  ['costs', -0.5],
  ['charged', -1.5],
  ['fee', -1],
  ['fees', -1.5],
  ['hidden', -1],
  ['drop', -0.5],
  ['dropped', -1.5],
  ['closed', -0.5],
  ['shut', -0.5],
  ['against', -0.5],
  ['beaten', -1],
  ['miss', -0.5], // "miss you" is affection, "missed my flight" a complaint (a phrase rule)
  ['misses', -0.5],
  ['missed', -1.5],
  ['party', 1],
  ['friday', 0.5],
  ['weekend', 0.5],
  ['summer', 0.5],
  ['birthday', 0.5],
  ['birthdays', 0.5],
  ['bday', 0.5],
  ['fix', 0],
  ['incorrect', -2],
  ['inaccurate', -2],
  ['refuse', -2],
  ['blurry', -1],
  ['offline', -1],
  ['luv', 2],
  ['unusable', -3],
  ['useless', -3],
  ['lol', 1],
  ['lmao', 1],
  ['lmfao', 1],
  ['haha', 1.5],
  ['hahaha', 1.5],
  ['hehe', 1.5],
  ['rock', 0.5],
  ['rocks', 2],
  ['rules', 0.5],
  ['lit', 1.5],
  ['fan', 1],
  ['fans', 0.5],
  ['follow', 0.5],
  ['support', 0.5],
  ['win', 1.5],
  ['won', 1.5],
  ['best', 3],
  ['greatest', 3],
  ['dead', -1.5],
  ['die', -2],
  ['hell', -1.5],
  ['damn', -1],
  ['bloody', -1],
  ['freaking', -0.5],
  ['mad', -2],
  ['wow', 1],
  ['welcome', 1],
  ['magic', 1],
  ['dream', 1.5],
  ['dreams', 1],
  ['heaven', 2],
  ['rip', -1],
  ['refund', -0.5],
  ['refunds', -0.5],
  ['compensation', -0.5],
  ['claim', -0.5],
  ['queue', -1],
  ['traffic', -1],
  ['busy', -0.5],
  ['fat', -1],
  ['fake', -2],
  ['strike', -1],
  ['snow', -0.5],
  ['rain', -0.5],
  ['sale', 0.5],
  ['deal', 0.5],
  ['offer', 0.5],
  ['yes', 1],
  ['yeah', 0.5],
  ['ha', 0.5],
  ['pray', 0.5],
  ['prayers', 0.5],
  ['peace', 1],
  ['cute', 2],
  ['sweet', 2],
  ['funny', 1.5],
  ['hilarious', 2],
  ['fun', 2],
  ['mental', -0.5],
  ['fight', -1],
  ['fighting', -1],
  ['battle', -0.5],
  ['worse', -2.5],
  ['bitch', -2.5],
  ['nah', -0.5],
  ['nope', -1],
  ['meh', -1.5],
  ['sigh', -1.5],
  ['hmm', -0.5],
];

/**
 * Negative words that report an event rather than the author's attitude ("crash", "killed",
 * "crisis"). In a post about a service they are complaints; elsewhere they are often news, so they
 * count for less there.
 */
export const EVENT_WORDS: ReadonlySet<string> = new Set(
  `death deaths dead died dies dying die killed kill kills killing murder murdered murderer attack attacks
  attacked attacking war wars bomb bombs bombing shooting shootings shot crash crashed crashes injured
  injury injuries victim victims hostage kidnapped arrested jail prison crime crimes criminal criminals
  illegal terrorist terrorists terrorism terror massacre slaughter crisis collapse collapsed bankrupt
  debt lawsuit sue sued suing protest protests riot riots rioting strike strikes shutdown closure closed
  fire fires flood flooding storm hurricane snow snowstorm rain deficit recession poverty hunger
  homeless unemployed jobless disaster disastrous tragedy tragic tragically fatal deadly casualties
  wounded conflict battle fight fighting fought defeat defeated loss losses lose loses losing beaten
  rip funeral grave cancer disease virus sickness damage damaged problems problem issues issue
  struggle struggling struggled threat threatened danger dangerous risk risky warning penalty fine
  fined banned ban blocked arrest cold sick ill hurt pain painful bleeding wreck wrecked destroyed
  rape raped abuse abused racism racist suicide grief mourning sorrow late later missing missed miss
  `.split(/\s+/),
);

/** Words that turn the next few words around ("not good", "never helpful"). */
export const NEGATORS: ReadonlySet<string> = new Set(
  `not no never none nothing nobody noone neither nor without hardly barely dont doesnt didnt isnt
  wasnt arent werent cant cannot couldnt wont wouldnt shouldnt havent hasnt hadnt aint nt lack
  lacks lacking`.split(/\s+/),
);

/** Multipliers for the next sentiment word ("so good", "really bad", "a bit slow"). */
export const INTENSIFIERS: ReadonlyMap<string, number> = new Map([
  ['very', 1.4],
  ['so', 1.3],
  ['soo', 1.5],
  ['really', 1.3],
  ['rly', 1.3],
  ['extremely', 1.7],
  ['absolutely', 1.6],
  ['totally', 1.4],
  ['completely', 1.5],
  ['utterly', 1.7],
  ['incredibly', 1.6],
  ['insanely', 1.5],
  ['super', 1.4],
  ['truly', 1.3],
  ['most', 1.2],
  ['too', 1.2],
  ['such', 1.3],
  ['quite', 1.1],
  ['highly', 1.4],
  ['seriously', 1.4],
  ['literally', 1.2],
  ['fucking', 1.6],
  ['fuckin', 1.6],
  ['freaking', 1.4],
  ['frickin', 1.4],
  ['bloody', 1.4],
  ['damn', 1.4],
  ['hella', 1.4],
  ['mega', 1.4],
  ['ridiculously', 1.5],
  ['terribly', 1.5],
  ['awfully', 1.4],
  ['particularly', 1.2],
  ['especially', 1.2],
  ['beyond', 1.4],
  ['deeply', 1.4],
  ['massively', 1.5],
  ['hugely', 1.5],
  ['exceptionally', 1.5],
  ['unbelievably', 1.5],
  ['always', 1.1],
  ['even', 1.1],
]);

export const DAMPENERS: ReadonlyMap<string, number> = new Map([
  ['slightly', 0.5],
  ['somewhat', 0.6],
  ['bit', 0.6],
  ['little', 0.7],
  ['kinda', 0.7],
  ['kind', 0.8],
  ['sorta', 0.7],
  ['fairly', 0.8],
  ['pretty', 0.8],
  ['rather', 0.8],
  ['mostly', 0.8],
  ['almost', 0.7],
  ['partly', 0.6],
  ['occasionally', 0.7],
]);

/**
 * Multi-word expressions, read before single words and taking their place. A phrase value replaces
 * the words it covers, so "cant wait" is +2.5 rather than a negated "wait".
 */
export const PHRASE_VALENCES: ReadonlyArray<readonly [number, string]> = [
  [
    3,
    `cant wait|cannot wait|can not wait|couldnt be happier|couldnt be better|couldnt be prouder|
    cant thank you enough|never been better|never been happier|made my day|make my day|makes my day|
    above and beyond|best day ever|best ever|so proud|well done|good job|great job|nice job|
    great work|good work|nice work|way to go|love you|love u|love ya|love it|love this|love that|
    looking forward|look forward|thank you so much|thank u so much|thanks so much|thanks a lot|
    thanks a million|happy birthday|happy bday|happy anniversary|happy new year|merry christmas|
    happy holidays|happy thanksgiving|happy easter|congrats to|hats off|top notch|first class service|
    world class|second to none|highly recommend|10 out of 10|ten out of ten|five stars|5 stars|
    lifesaver|life saver|saved the day|saved my day|over the moon|on cloud nine|blown away`,
  ],
  [
    2,
    `thank you|thank u|good luck|best of luck|have a good|have a great|have a nice|have a lovely|have fun|well played|not bad|not too bad|
    not that bad|no problem|no problems|no worries|no complaints|cant complain|cannot complain|
    cant go wrong|no doubt|nothing but love|so excited|so happy|so good|so much fun|pretty good|
    very good|good times|good news|great news|on time|right on time|ahead of schedule|
    arrived early|landed early|problem solved|issue resolved|all sorted|all good|much appreciated|
    appreciate it|appreciate you|appreciate the|i like|we like|i liked|we liked|really like|
    i enjoy|we enjoy|dying to|dying for|excited for|excited to|cant get enough|fell in love|
    in love|my favourite|my favorite|my fave|fan of|big fan|huge fan|kill it|killed it|killing it|
    nailed it|smashed it|bring it on|lets go|here we go|woo hoo|yes please|hell yeah|hell yes|
    kick ass|kicks ass|bad ass|a blast|mind blowing|mind blown|stole the show|steal the show`,
  ],
  [-4, `thanks for nothing|thank you for nothing|thanks a lot for nothing|thanks for absolutely nothing`],
  // Set phrases that carry no sentiment and must not negate what follows ("cant believe how rude").
  [
    0,
    `cant believe|cannot believe|can not believe|couldnt believe|could not believe|dont know|do not know|
    may or may not|not only|not just|no matter|nothing but|never mind|dont mind|wouldnt mind`,
  ],
  [1, `good morning|good night|goodnight|good evening|good afternoon|morning all`],
  [
    -3,
    `dont recommend|do not recommend|wouldnt recommend|would not recommend|cannot recommend|
    made me cry|makes me cry|making me cry|not recommended`,
  ],
  [
    -1.5,
    `please help|pls help|plz help|help please|need help|help me|any help|can someone help|
    fix your|fix this|sort it out|sort this out|sort this|need a better|need better|need to do better|
    would be nice if|would be nice to|it would be nice|be nice if|help already|already ?`,
  ],
  [-1, `once again|every time|every single time|too long|big whoop|oh well|c mon|come on|cmon`],
  [
    1.5,
    `check it out|check this out|check out|dont miss|do not miss|see you there|see you soon|see ya|
    come support|come join|join us|stop by|get your tickets|come see|come watch|bring on|stay tuned|
    youre welcome|you are welcome|my pleasure|fingers crossed`,
  ],
  [
    -2,
    `not happy|not impressed|not good|not great|no thanks|no thank you|not a fan|not cool|
    not ok|not okay|not fair|not acceptable|not helpful|not working|doesnt work|does not work|
    didnt work|did not work|wont work|isnt working|not loading|wont load|doesnt load|cant log in|
    cant login|cant connect|cant get through|cannot get through|keeps crashing|keeps freezing|
    keeps dropping|stopped working|down again|out again|broke down|broken down|let down|
    let me down|letting me down|lets me down|fed up|sick of|tired of|sick and tired|had enough|
    screw you|screw this|piss off|pissed off|pissing me off|fuck off|fuck you|fuck this|
    shut up|go to hell|rest in peace|rip off|ripped off|ripping off|waste of time|waste of money|
    what a joke|what a mess|what a shambles|what a nightmare|what a disgrace|such a joke|
    is a joke|was a joke|a joke|are you kidding|you kidding me|are you serious|you serious|
    are you joking|you must be joking|how hard is it|how hard can it be|how difficult is it|
    what is wrong with|whats wrong with|no excuse|no excuses|took forever|
    takes forever|taking forever|forever to|no one cares|nobody cares|couldnt care less|
    hung up|hang up|hanging up|put on hold|on hold|no response|no reply|no answer|no update|
    no updates|no help|no info|no information|no communication|no explanation|no apology|
    no one|no body|never again|not again|yet again|
    one star|1 star|zero stars|0 stars|thoughts and prayers|passed away|
    pass away|so sad|too bad|so bad|wrong with|get worse|gets worse|getting worse|worse and worse|
    mistreated|treated like|disgusted with|appalled by|hell no|
    leaves a lot to be desired|left a lot to be desired|leave a lot to be desired`,
  ],
];

/** Emoji read as sentiment cues. Skin-tone and variation selectors are ignored by the reader. */
export const EMOJI_VALENCES: ReadonlyArray<readonly [number, string]> = [
  [3, '😍 🥰 😻 🤩 ❤ 💕 💖 💗 💓 💞 💘 💝 🥳'],
  [
    2,
    '😀 😃 😄 😁 😆 😊 😇 😘 😗 😙 😚 😋 🤗 😌 😺 😸 💋 💛 💚 💙 💜 🧡 🤍 💟 ❣ 👍 👏 🙌 🎉 🎊 🎂 🎁 🏆 🥇 💯 😎 🌹 💐 🍾 🥂 ☺',
  ],
  [1, '🙂 😉 😛 😜 😝 🤪 😂 🤣 😅 😹 🙏 💪 👌 ✌ 🤞 🤘 🤙 🔥 ⭐ 🌟 ✨ ☀ 🌈 🌸 🍻 ✅ ✔ 🙈 😏 🤝 🤓'],
  [-1, '😐 😑 😶 😬 😳 😮 😯 😲 🥱 😪 😴 😷 🤒 🤕 😵 🥴 🤯 🙃 ⚠ 🚫 🥺 😱 💀 ☠'],
  [-2, '😕 😟 🙁 ☹ 😦 😧 😔 😞 😓 😥 😢 😭 😿 😩 😫 😖 😣 😒 🙄 🤥 🤢 😰 😨 👎 💩 🤡 💢 🤦 😾 ❌ 😈'],
  [-3, '😡 😠 🤬 😤 🤮 💔 👿 🖕'],
];

/** Text emoticons, matched as whole space-separated tokens. */
export const EMOTICON_VALENCES: ReadonlyArray<readonly [number, string]> = [
  [
    2,
    `:) :-) :)) :))) :d :-d ;) ;-) ;d =) =d :] :-] :} (: (-: ((: ^_^ ^^ ^.^ :p :-p ;p xd xdd <3 <33
    <333 :') :'-) :* :-* (;`,
  ],
  [-1, `:| :-| -_- -.- >.< >_< o_o o.o :s :-s`],
  [-2, `:( :-( :(( :((( :'( :'-( ;( ;-( =( :[ :-[ ): )-: :/ :-/ :\\ :-\\ =/ d: >:( >:-( :@ </3 ;_; t_t`],
];

/** Thanks in the languages care teams see most, read like "thanks" (the reader is English otherwise). */
export const OTHER_THANKS = [
  'danke',
  'dankeschön',
  'merci',
  'gracias',
  'grazie',
  'obrigado',
  'obrigada',
  'bedankt',
  'dankjewel',
  'tack',
  'takk',
  'kiitos',
  'dziękuję',
  'dziekuje',
];
