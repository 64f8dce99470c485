/**
 * A generated meeting for speech benchmarks: three espeak-ng voices taking turns reading business sentences
 * (seeded order), as one mixed file and as one track per person, with the script they read.
 */
import path from 'node:path';
import { durationOf, readWav, speak, timeline, writeWav, type Pcm } from './speech';
import { seededRandom } from './transcript-generator';

export const PEOPLE = [
  { name: 'Ada', voice: 'en-us+f2' },
  { name: 'Ben', voice: 'en-gb-x-rp' },
  { name: 'Cleo', voice: 'en-us' },
];
const SENTENCES = [
  'Let us start with the budget for the next quarter.',
  'The marketing team wants to move the launch to the end of the month.',
  'I think we should hire another engineer before the summer.',
  'The customer asked for a demo of the new reporting feature.',
  'Can you send me the slides after the meeting?',
  'We are still waiting for the legal review of the contract.',
  'The support queue has grown since the last release.',
  'I will write the migration plan and share it on Friday.',
  'Our costs for the cloud servers went down this month.',
  'We need a decision on the office move by next week.',
  'The design review found a few problems with the checkout page.',
  'Please update the roadmap so the sales team can see it.',
  'The new dashboard is much faster than the old one.',
  'I agree, but we should test it with real customers first.',
  'Who is going to talk to the vendor about the price?',
  'The training session for new staff is on Tuesday morning.',
  'Let us keep the scope small and ship the first version.',
  'The survey shows that most users want a mobile app.',
  'We should ask finance to check the travel expenses.',
  'That sounds good to me, let us do it that way.',
  'The security audit is planned for the first week of March.',
  'I will call the hotel and book the room for the workshop.',
  'The numbers from the last campaign look very promising.',
  'We could save time by automating the weekly report.',
];

export interface Turn {
  speaker: string;
  text: string;
  start: number;
  pcm: Pcm;
}

export async function generateMeeting(dir: string, minutes: number, seed: number): Promise<{ turns: Turn[]; seconds: number }> {
  const random = seededRandom(seed);
  const turns: Turn[] = [];
  let at = 0.5;
  for (let i = 0; at < minutes * 60; i++) {
    const person = PEOPLE[i % PEOPLE.length];
    const text = SENTENCES[Math.floor(random() * SENTENCES.length)];
    const pcm = readWav(await speak(text, person.voice, path.join(dir, `turn-${i}.wav`)));
    turns.push({ speaker: person.name, text, start: at, pcm });
    at += durationOf(pcm) + 0.6 + random();
  }
  return { turns, seconds: at };
}

export interface SpokenMeeting {
  turns: Turn[];
  seconds: number;
  /** Everyone's turns in one file. */
  mixed: string;
  /** One file per person, each as long as the meeting (silence where the others talk). */
  tracks: { speaker: string; filePath: string }[];
  /** The words read, in order. */
  script: string;
}

/** Generates the meeting and writes its mixed file and per-person tracks (WAV) into `dir`. */
export async function writeSpokenMeeting(dir: string, minutes: number, seed: number): Promise<SpokenMeeting> {
  const { turns, seconds } = await generateMeeting(dir, minutes, seed);
  const clips = (chosen: Turn[]) => timeline(seconds, chosen.map((turn) => ({ at: turn.start, pcm: turn.pcm })));
  return {
    turns,
    seconds,
    mixed: writeWav(path.join(dir, 'meeting.wav'), clips(turns)),
    tracks: PEOPLE.map((person) => ({ speaker: person.name, filePath: writeWav(path.join(dir, `track-${person.name}.wav`), clips(turns.filter((turn) => turn.speaker === person.name))) })),
    script: turns.map((turn) => turn.text).join(' '),
  };
}
