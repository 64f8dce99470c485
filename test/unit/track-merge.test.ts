import { assembleTranscript } from '../../integrations/transcripts/assemble';
import { mergeTrackTranscripts } from '../../integrations/transcription/tracks';

const part = (speaker: string, offsetSeconds: number, lines: [number, number, string][], language = 'en', confidence: number | null = 0.9) => ({
  track: { filePath: `/tracks/${speaker}.ogg`, speaker, offsetSeconds },
  transcript: { ...assembleTranscript(lines.map(([start, end, text]) => ({ speaker: 'Speaker 1', start, end, text })), { language }), confidence },
});

test('segments and words move to the meeting timeline (offset + local time) under the track owner’s name', () => {
  const merged = mergeTrackTranscripts(
    [part('Ada', 0, [[0.5, 3, 'Shall we start?'], [9, 11, 'Agreed, ship it.']]), part('Ben', 4.25, [[0, 3.5, 'Yes, the report is ready.']])],
    'en',
  );
  expect(merged.segments).toEqual([
    { speaker: 'Ada', start: 0.5, end: 3, text: 'Shall we start?' },
    { speaker: 'Ben', start: 4.25, end: 7.75, text: 'Yes, the report is ready.' },
    { speaker: 'Ada', start: 9, end: 11, text: 'Agreed, ship it.' },
  ]);
  expect(merged.text).toBe('Ada: Shall we start?\nBen: Yes, the report is ready.\nAda: Agreed, ship it.');
  expect(merged.words.map((word) => `${word.speaker}:${word.word}@${word.start}`).slice(3, 6)).toEqual(['Ben:Yes,@4.25', 'Ben:the@4.95', 'Ben:report@5.65']);
  expect(merged.words.map((word) => word.start)).toEqual([...merged.words.map((word) => word.start)].sort((a, b) => a - b));
});

test('speakers are listed in order of first speech, not of tracks; a silent track adds nobody', () => {
  const merged = mergeTrackTranscripts([part('Late Starter', 0, [[30, 32, 'Hello.']]), part('Quiet', 0, []), part('Early Bird', 10, [[0, 1, 'Hi.']])], 'en');
  expect(merged.speakers).toEqual(['Early Bird', 'Late Starter']);
});

test('the language is the one most speech was detected in; confidence is weighted by segments', () => {
  const merged = mergeTrackTranscripts([part('A', 0, [[0, 1, 'Bonjour.'], [2, 3, 'Merci.']], 'fr', 0.8), part('B', 0, [[4, 5, 'Hello.']], 'en', 0.5)], 'auto');
  expect(merged.language).toBe('fr');
  expect(merged.confidence).toBe(0.7);
});
