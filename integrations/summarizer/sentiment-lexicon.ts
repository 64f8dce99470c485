/**
 * A compact opinion lexicon for spoken business English. Left out on purpose: words that are neutral in
 * conversation ("like", "well", "right", "sure", "okay") and domain words that are rarely evaluative ("cost", "issue").
 */
export const POSITIVE_WORDS: ReadonlySet<string> = new Set(
  `accomplish accomplished achieve achieved achievement advantage advantages agree agreed agreeable amazing
  appreciate appreciated awesome beautiful beneficial benefit benefits best better boost brilliant calm celebrate
  clean clear clever comfortable compelling confident congratulations convenient cool creative delight delighted
  delightful easier easy effective efficient elegant encouraging energetic enjoy enjoyed enthusiastic excellent
  exceptional excited exciting fantastic fast favorable favourite favorite fine fortunate fresh friendly fun gain
  gains glad good gorgeous grateful great happy healthy helpful helps honest hope hopeful ideal impressed
  impressive improve improved improvement improvements improving incredible innovative inspiring interesting
  intuitive keen lucky love loved lovely marvellous marvelous neat nice novel optimistic outstanding perfect
  pleasant pleased pleasure popular positive powerful praise productive proficient profitable progress promising
  proud quick ready recommend recommended reliable remarkable resolved reward rewarding robust safe satisfied
  satisfying secure simple sleek smart smooth solid solved splendid stable strong stunning succeed succeeded
  success successful superb support supportive thank thanks thankful thrilled thriving tremendous trendy trust
  understood useful valuable welcome well-done win winner wins wise wonderful worth worthwhile wow`
    .split(/\s+/)
    .filter(Boolean),
);

export const NEGATIVE_WORDS: ReadonlySet<string> = new Set(
  `abandon abandoned abuse afraid aggressive alarming angry annoyed annoying anxious apologize argue awful awkward
  bad badly blame blocked blocker boring broke broken bug buggy burden chaotic clumsy clunky complain complaint
  complaints complicated concern concerned concerns confused confusing conflict costly crash crashed crazy crisis
  criticism cumbersome damage damaged danger dangerous dead delay delayed delays denied deny difficult difficulty
  disappointed disappointing disaster disagree disagreement dislike disrupt disruption dissatisfied doubt doubtful
  dreadful dull embarrassing error errors expensive fail failed failing fails failure fake fault faulty fear
  fearful frustrated frustrating frustration gloomy harm harmful hate hated hazard hopeless horrible hurt ignore
  ignored impossible inadequate inconvenient ineffective inefficient inferior insecure insufficient irritating lack
  lacking late lose loses losing loss lost mess messy miss missed mistake mistakes negative nervous nightmare noisy
  obstacle outdated overdue pain painful panic pathetic poor poorly problem problematic problems reject rejected
  risk risky rough rude sad scared scary severe shame shortage sick slow slower sloppy stress stressful stuck
  stupid suffer suffering terrible threat tired tough trouble troublesome ugly unable unacceptable unclear
  uncomfortable unfair unfortunate unfortunately unhappy unreliable unstable upset useless vague weak weakness
  worried worries worry worse worst worthless wrong`
    .split(/\s+/)
    .filter(Boolean),
);

/** Words that flip the polarity of an opinion word shortly after them ("not good", "never easy"). */
export const NEGATORS: ReadonlySet<string> = new Set(
  `not no never none nobody nothing neither nor hardly barely without cannot`.split(/\s+/),
);
