import type { Segment } from '../transcripts/types';
import { condensed } from './compression';
import { spanOfSegments } from './grounding';
import type { SummaryPoint } from './types';
import type { Sentence } from './sentences';
import { jaccard } from './vectors';

const DECISION_CUES =
  /\b(?:we(?:'ve| have)? agreed|(?:all |everyone |everybody )?agreed (?:to|on|that)|agreement (?:is|was) to|(?:we(?:'ve| have)?|we all|it was|it's been|it has been|the team|everyone|everybody|the group|the committee|the board) decided|decision (?:is|was)|let's go with|let us go with|(?:we'll|we will|we're going to|we are going to|we're gonna) go (?:with|for)|we're going with|settled on|(?:is|was|been|got|were) approved|approve[sd]? the|we approve|final answer is|consensus (?:is|was)|we(?:'ll| will) stick with|it's decided|that's decided|we go with|the plan is to)\b/i;
const NOT_A_DECISION =
  /\b(?:haven't|have not|hasn't|didn't|did not|not yet|yet to|don't|do not|undecided|if we decide|when we decide|before we decide|need to decide|have to decide|should decide|to be decided|can decide|could decide|will decide|decide later|whether)\b/i;

/** Sentences that record a decision ("we agreed to", "let's go with"), not questions or decisions still open. */
export function extractDecisions(sentences: Sentence[], segments: Segment[]): SummaryPoint[] {
  const decisions: Array<Required<SummaryPoint> & { terms: string[] }> = [];
  for (const sentence of sentences) {
    if (sentence.isQuestion || !DECISION_CUES.test(sentence.text) || NOT_A_DECISION.test(sentence.text)) continue;
    if (decisions.some((other) => jaccard(other.terms, sentence.terms) >= 0.6)) continue;
    const span = spanOfSegments(segments, sentence.segmentIndex, sentence.segmentIndex);
    decisions.push({ text: condensed(sentence.display), speaker: sentence.speaker, at: sentence.at, span, terms: sentence.terms });
  }
  return decisions.map(({ text, speaker, at, span }) => ({ text, speaker, at, span }));
}
