import { tidyForDisplay, withoutPronounRestarts } from './sentences';

/*
 * Sentence compression for the summary: spoken hedges and intensifiers go ("I think", "you know", "just",
 * "actually"), because a summary states what was said, not how tentatively. Only words that never carry the
 * point are removed; the sentence is otherwise as spoken.
 */

/**
 * At the start of a sentence: "I think we should ..." → "We should ...". Also the connectives that point at what was
 * said before ("However, we may ..."): quoted alone, the sentence they answer is not there.
 */
const LEADING_HEDGE =
  /^(?:(?:i|we) (?:think|guess|suppose|believe|mean|feel like)(?: that)?|i'm (?:pretty )?sure(?: that)?|it seems (?:like|that)|you know|basically|actually|honestly|obviously|of course|however|also|besides|plus|in addition|on the other hand),?\s+/i;
/** Anywhere, when set off or plainly filler. "just" stays after "not" ("not just"), "kind of" after a determiner. */
const INNER_FILLER =
  /(?<!\bnot)\s+(?:just|actually|really|basically|literally|totally|sort of|pretty much)(?=\s)|(?<!\b(?:what|this|that|the|a|any|some|one|every|which|same|different|this)\s*)\s+kind of(?=\s)|,\s*(?:i think|i guess|i mean|you know|like),?(?=\s)/gi;
const TRAILING_HEDGE = /,?\s+(?:or something(?: like that)?|or whatever|and stuff(?: like that)?|and so on|i think|i guess|you know|right)(?=[.?!]*$)/i;

export function condensed(text: string): string {
  let result = text;
  for (let i = 0; i < 3; i++) {
    const next = result.replace(LEADING_HEDGE, '');
    if (next === result) break;
    result = next;
  }
  result = withoutPronounRestarts(result.replace(INNER_FILLER, '').replace(TRAILING_HEDGE, '').replace(/\s+/g, ' ').trim());
  return /[a-z0-9]/i.test(result) ? tidyForDisplay(result) : tidyForDisplay(text);
}
