/** One line of a meeting the asker may see, as the answerer reads it. */
export interface AnswerPassage {
  speaker: string;
  meeting: string;
  /** The meeting's day (YYYY-MM-DD) or "undated". */
  day: string;
  /** Where in the meeting, as people read it ("1:15:05"). */
  at: string;
  text: string;
}

/**
 * Writes the answer to a question from passages alone (a hosted model). The passages are the only meeting text it
 * is given; the caller chose them from what the asker may see. Errors are the summarizer's provider errors.
 */
export interface Answerer {
  readonly name: string;
  readonly model: string;
  /** Who answers, as people read it ("Claude", "llama3.1:8b"). */
  readonly label: string;
  answer(question: string, passages: AnswerPassage[]): Promise<string>;
  check?(): Promise<void>;
}
