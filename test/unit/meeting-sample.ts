import type { Segment } from '../../integrations/transcripts/types';
import type { MeetingParticipant, SummaryInput } from '../../integrations/summarizer/types';

/** Wednesday 25 November 2026, 10:00 in Berlin. */
export const MEETING_DATE = new Date('2026-11-25T09:00:00Z');

export const PARTICIPANTS: MeetingParticipant[] = [
  { id: 'u-alice', name: 'Alice Smith', email: 'alice@example.com' },
  { id: 'u-bob', name: 'Bob Brown' },
  { id: 'u-carol', name: 'Carol Jones' },
  { id: 'u-dave', name: 'Dave Lee' },
];

/** Speaker labels as a meeting bot writes them: first names, one full name. Dave never speaks. */
const LINES: Array<[string, string]> = [
  ['Alice', 'Good morning everyone. The purpose of this meeting is to plan the launch of the new mobile app.'],
  ['Bob Brown', 'Thanks Alice. The beta testing of the mobile app went well and the crash rate dropped a lot.'],
  ['Carol', 'The marketing campaign for the launch is ready, but the budget for paid ads is still open.'],
  ['Alice', 'How much budget do we need for the paid ads in the first month?'],
  ['Carol', 'About twenty thousand euros for the launch campaign, maybe less.'],
  ['Alice', 'Okay. After the discussion we agreed to launch the mobile app on December 10.'],
  ['Bob Brown', 'Mm-hmm.'],
  ['Carol', "Let's go with the smaller ads budget for the first month of the launch."],
  ['Alice', "I'll send the launch checklist to the whole team by Friday."],
  ['Alice', 'Bob, can you update the release notes for the app store by tomorrow?'],
  ['Bob Brown', 'Sure, will do.'],
  ['Carol', 'I will prepare the press release for the launch next week.'],
  ['Bob Brown', "I'll be honest, the app store review process worried me a bit."],
  ['Bob Brown', 'I will fix the login crash on older phones asap.'],
  ['Alice', 'Carol, can you follow up with the design agency in two weeks?'],
  ['Carol', 'Yes.'],
  ['Bob Brown', 'The support team needs a short guide for the new login flow and the app store listing.'],
  ['Alice', 'Great work everyone, the launch plan looks solid.'],
];

/** Each line lasts one second per word (rounded), back to back. */
export const SEGMENTS: Segment[] = LINES.reduce<Segment[]>((segments, [speaker, text]) => {
  const start = segments.length ? segments[segments.length - 1].end : 0;
  return [...segments, { speaker, start, end: start + text.split(' ').length, text }];
}, []);

export const INPUT: SummaryInput = {
  segments: SEGMENTS,
  participants: PARTICIPANTS,
  meetingDate: MEETING_DATE,
  timeZone: 'Europe/Berlin',
  title: 'Mobile app launch',
};
