import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseTranscript } from '../../integrations/transcripts/parse';
import type { Segment } from '../../integrations/transcripts/types';

export interface QmsumMeeting {
  name: string;
  segments: Segment[];
  /** The human summary of the whole meeting (general_query_list[0].answer). */
  reference: string;
}

export function loadQmsumMeetings(directory: string): QmsumMeeting[] {
  return readdirSync(directory)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const content = readFileSync(path.join(directory, file), 'utf8');
      const json = JSON.parse(content) as { general_query_list?: Array<{ answer?: string }> };
      return {
        name: path.basename(file, '.json'),
        segments: parseTranscript(content, file).segments,
        reference: json.general_query_list?.[0]?.answer ?? '',
      };
    });
}

/** The Lead baseline: the meeting's first words, as many as the reference has. */
export function leadBaseline(segments: Segment[], wordCount: number): string {
  return segments
    .map((segment) => segment.text)
    .join(' ')
    .split(/\s+/)
    .slice(0, wordCount)
    .join(' ');
}

export function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}
