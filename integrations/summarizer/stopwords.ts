/**
 * Function words plus the vocabulary of talk itself ("think", "gonna", "stuff"): words that say nothing about
 * what a meeting was about. Lowercase, apostrophes kept ("don't").
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  `a about above across actually after again against ago ah ahead all almost along already alright also although always am
  among an and another any anybody anyone anything anyway anyways anywhere are aren't around as ask asked at away back
  basically be became because become been before behind being below beside besides best better between beyond big bit
  both but by can can't cannot could couldn't come comes coming cool course definitely did didn't different do does doesn't
  doing don't done down during each eh either else enough er erm especially etc even ever every everybody everyone
  everything exactly fact far few fine first for from further get gets getting give given go goes going gone gonna good
  got gotta great guess guy guys had hadn't happen has hasn't have haven't having he he'd he'll he's hear heard hello
  her here here's hers herself hey hi him himself his hm hmm how however huh i i'd i'll i'm i've idea if in indeed into
  is isn't it it'd it'll it's its itself just keep kind kinda know known knows last later least less let let's like
  likely little look looking looks lot lots made make makes making many may maybe me mean means meant might mine mm
  mmm more most mostly much must my myself need needs never new next nice no nobody none nor not nothing now of off
  oh ok okay on once one ones only onto or other others otherwise our ours ourselves out over own pretty probably put
  quite rather really right said same saw say saying says see seem seemed seems seen sense several shall she she'd
  she'll she's should shouldn't show since so some somebody someone something sometimes somewhat somewhere sort sorry
  still stuff such suppose supposed sure take taken talk talking tell than thank thanks that that'd that'll that's the
  their theirs them themselves then there there'd there'll there's these they they'd they'll they're they've thing
  things think thinking this those though thought through thus time times to today together too took toward towards
  true try trying uh uh-huh um um-hmm under unless until up upon us use used using usually very via wanna want wanted
  wants was wasn't way ways we we'd we'll we're we've well went were weren't what what's whatever when where where's
  whether which while who who's whole whom whose why will with within without won't wonder work would wouldn't wow
  ya yeah yep yes yet you you'd you'll you're you've your yours yourself yourselves mm-hmm uh-huh hmm-mm alright cause
  'cause ones okay whatnot anyways gosh oops ooh wha nah yup dunno lemme somehow thereby therefore i'll i'd ain't
  blah hah haha heh hafta gotcha kinda sorta lotta
  zero two three four five six seven eight nine ten hundred thousand couple half second seconds minute minutes`
    .split(/\s+/)
    .filter(Boolean),
);

/** Words that carry no content as a whole turn ("Yeah.", "Mm-hmm, okay."). */
export const BACKCHANNEL: ReadonlySet<string> = new Set(
  `um uh er erm ah oh hmm hm mm mmm mm-hmm uh-huh um-hmm yeah yes yep yup no nope okay ok right sure alright
  so well cool great good fine exactly true thanks thank you wow really huh i see all mean know absolutely
  definitely totally indeed gotcha got it that's that is and but`
    .split(/\s+/)
    .filter(Boolean),
);

export const FILLERS = ['um', 'uh', 'erm', 'er', 'ah', 'hmm', 'hm', 'mm', 'mmm', 'mm-hmm', 'uh-huh', 'um-hmm'];

/**
 * Common words that are content words grammatically but never name what a meeting was about ("instead", "move",
 * "people", "numbers"): left out of topic keywords and the overview line, still counted for salience.
 */
export const GENERIC_WORDS: ReadonlySet<string> = new Set(
  `able add agree already answer area aspect bad basic believe call case change check clear close comment
  common complete content current deal decide detail difference easy end example exist fact feel find follow
  form general happen hard help hold important include instead issue kind large level line long main matter
  move number numbers old open order part people person place point possible present problem process put
  question quick reason remember result run second set short side simple small start stage step talk type
  understand week whole word words year years yes start started mention mentioned question questions answer
  everybody someone minister chair member members government honourable hon mister madam colleague colleagues
  absolutely apparently certainly honestly hopefully literally obviously perhaps seriously totally`
    .split(/\s+/)
    .filter(Boolean),
);

/**
 * Adjectives that say how people judged a subject, not what it is: alone they name no topic ("The discussion covered
 * clunky, …"); in a pair they still may ("fancy look").
 */
export const JUDGING_ADJECTIVES: ReadonlySet<string> = new Set(
  `amazing annoying awesome awful awkward beautiful better best boring brilliant cheap clever clumsy clunky
  complicated confusing cool crazy cumbersome cute difficult dull excellent exciting expensive fancy fantastic
  favorite favourite fine frustrating funny good great horrible ideal interesting lovely nasty neat nice obvious
  perfect pretty silly sleek strange stupid terrible tough trendy ugly useful useless weird wonderful worse worst`
    .split(/\s+/)
    .filter(Boolean),
);

/** Adjectives whose comparative and superlative name no subject either ("the hardest problem"). */
const GRADABLE = new Set([...JUDGING_ADJECTIVES, 'big', 'clear', 'close', 'easy', 'hard', 'high', 'large', 'long', 'low', 'old', 'quick', 'short', 'simple', 'small']);

/** A word that names no subject alone: generic, judging, or the comparative or superlative of a gradable adjective. */
export function namesNoSubject(word: string): boolean {
  if (GENERIC_WORDS.has(word) || JUDGING_ADJECTIVES.has(word)) return true;
  const base = /^(\w{2,}?)(?:est|er)$/.exec(word)?.[1];
  if (!base) return false;
  // hard-est, nic-er, easi-est, bigg-er.
  return [base, `${base}e`, base.replace(/i$/, 'y'), base.replace(/(\w)\1$/, '$1')].some((form) => GRADABLE.has(form));
}
