import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { durationOf, readWav, speak, timeline, VOICES, writeWav } from '../../bench/lib/speech';

/** What each person says in the test meetings (no names or numbers: their spelling is not what is tested). */
export const SCRIPT = {
  ada: [
    'Good morning everyone, thanks for joining the planning meeting.',
    'Let us review the budget for the new office before we talk about hiring.',
    'I think we should open the support team in London next spring.',
  ],
  ben: [
    'Thanks for that. The budget looks fine, but the rent is higher than we expected.',
    'I will prepare the cost report and send it to the whole team on Friday.',
    'We also need a decision about the marketing campaign by the end of the month.',
  ],
};

export const speechDir = (label: string) => mkdtempSync(path.join(os.tmpdir(), `meetflow-${label}-`));

/** One person reading all their lines (espeak-ng), as a WAV file. */
export async function monologue(dir: string, who: keyof typeof SCRIPT): Promise<{ file: string; text: string }> {
  const text = SCRIPT[who].join(' ');
  return { file: await speak(text, VOICES[who], path.join(dir, `${who}.wav`)), text };
}

export interface Turn {
  speaker: string;
  text: string;
  start: number;
  end: number;
}

/**
 * A conversation recorded the way the per-track recorder records it: one file per person, each holding only that
 * person's voice and starting when they joined (`offsetSeconds` on the meeting's timeline). Turns alternate.
 */
export async function conversationTracks(dir: string, people: { ada: string; ben: string }, benJoinsAt = 2) {
  const lines = [0, 1].flatMap((i) => [
    { who: 'ada' as const, text: SCRIPT.ada[i] },
    { who: 'ben' as const, text: SCRIPT.ben[i] },
  ]);
  const turns: (Turn & { who: 'ada' | 'ben'; pcm: ReturnType<typeof readWav> })[] = [];
  let at = benJoinsAt + 0.5;
  for (const [i, line] of lines.entries()) {
    const pcm = readWav(await speak(line.text, VOICES[line.who], path.join(dir, `turn-${i}.wav`)));
    turns.push({ who: line.who, speaker: people[line.who], text: line.text, start: at, end: at + durationOf(pcm), pcm });
    at += durationOf(pcm) + 2;
  }
  const offsets = { ada: 0, ben: benJoinsAt };
  const tracks = (['ada', 'ben'] as const).map((who) => ({
    speaker: people[who],
    offsetSeconds: offsets[who],
    filePath: writeWav(
      path.join(dir, `track-${who}.wav`),
      timeline(
        at - offsets[who],
        turns.filter((turn) => turn.who === who).map((turn) => ({ at: turn.start - offsets[who], pcm: turn.pcm })),
      ),
    ),
  }));
  return { tracks, turns: turns.map(({ speaker, text, start, end }) => ({ speaker, text, start, end })) };
}

/** The turn a stretch of the timeline overlaps most. */
export function turnAt(turns: Turn[], start: number, end: number): Turn | undefined {
  const overlap = (turn: Turn) => Math.min(end, turn.end) - Math.max(start, turn.start);
  const best = [...turns].sort((a, b) => overlap(b) - overlap(a))[0];
  return best && overlap(best) > 0 ? best : undefined;
}
