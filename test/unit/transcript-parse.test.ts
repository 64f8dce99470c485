import * as path from 'node:path';
import { parseTranscript, parseTranscriptFile, TranscriptFormatError } from '../../integrations/transcripts/parse';

// Shipped with the repository (test/fixtures/qmsum), so the tests need nothing outside it.
const QMSUM_DIR = path.resolve(__dirname, '../fixtures/qmsum');

function formatError(content: string, fileName: string): TranscriptFormatError {
  try {
    parseTranscript(content, fileName);
  } catch (error) {
    if (error instanceof TranscriptFormatError) return error;
    throw error;
  }
  throw new Error('expected a TranscriptFormatError');
}

describe('parseTranscript: WebVTT', () => {
  const vtt = [
    'WEBVTT - weekly sync',
    '',
    'NOTE recorded by the bot',
    'with a second line',
    '',
    'STYLE',
    '::cue { color: white }',
    '',
    'intro',
    '00:00:01.000 --> 00:00:04.000 align:start',
    '<v Alice>Welcome everyone,',
    'let us start &amp; be quick.</v>',
    '',
    '00:05.500 --> 00:07.000',
    '<v.loud Bob>Sounds good.',
    '',
    '00:00:08.000 --> 00:00:09.000',
    'Who is speaking now?',
    '',
    '00:00:10.000 --> 00:00:14.000',
    '<v Carol>One two</v> <v Alice>three four five six</v>',
  ].join('\n');

  it('reads speakers from voice tags, joins multi-line cues and skips NOTE and STYLE blocks', () => {
    const transcript = parseTranscript(vtt, 'sync.vtt');
    expect(transcript.segments.slice(0, 3)).toEqual([
      { speaker: 'Alice', start: 1, end: 4, text: 'Welcome everyone, let us start & be quick.' },
      { speaker: 'Bob', start: 5.5, end: 7, text: 'Sounds good.' },
      { speaker: 'Unknown', start: 8, end: 9, text: 'Who is speaking now?' },
    ]);
    expect(transcript.speakers).toEqual(['Alice', 'Bob', 'Unknown', 'Carol']);
    expect(transcript.language).toBe('en');
    expect(transcript.confidence).toBeNull();
  });

  it('splits a cue with two voices and shares its time by word count', () => {
    const { segments } = parseTranscript(vtt, 'sync.vtt');
    expect(segments.slice(3)).toEqual([
      { speaker: 'Carol', start: 10, end: 11.333, text: 'One two' },
      { speaker: 'Alice', start: 11.333, end: 14, text: 'three four five six' },
    ]);
  });

  it('writes the text as "Speaker: text" lines and spreads words evenly over each segment', () => {
    const transcript = parseTranscript(vtt, 'sync.vtt');
    expect(transcript.text.split('\n')[1]).toBe('Bob: Sounds good.');
    expect(transcript.words).toHaveLength(8 + 2 + 4 + 2 + 4);
    expect(transcript.words.slice(8, 10)).toEqual([
      { word: 'Sounds', start: 5.5, end: 6.25, speaker: 'Bob' },
      { word: 'good.', start: 6.25, end: 7, speaker: 'Bob' },
    ]);
  });

  it('parses a WebVTT file with no cues to zero segments', () => {
    const transcript = parseTranscript('WEBVTT\n\nNOTE nothing was said\n', 'empty.vtt');
    expect(transcript.segments).toEqual([]);
    expect(transcript.words).toEqual([]);
    expect(transcript.speakers).toEqual([]);
    expect(transcript.text).toBe('');
  });

  it('takes the language from a "Language:" header line', () => {
    const transcript = parseTranscript('WEBVTT\nKind: captions\nLanguage: de\n\n00:01.000 --> 00:02.000\n<v Anna>Hallo</v>\n', 'a.vtt');
    expect(transcript.language).toBe('de');
    expect(transcript.segments).toEqual([{ speaker: 'Anna', start: 1, end: 2, text: 'Hallo' }]);
  });

  it('rejects an invalid timestamp, naming the line', () => {
    const error = formatError('WEBVTT\n\n1\n00:00:01.000 --> 00:00:61.000\n<v A>Hi</v>\n', 'bad.vtt');
    expect(error.message).toContain('WebVTT cue at line 4 has an invalid timestamp "00:00:61.000"');
    expect(error.message).toContain('Accepted formats');
  });

  it('rejects a cue that ends before it starts and a block without a timing line', () => {
    expect(formatError('WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nHi\n', 'a.vtt').message).toMatch(/line 3 ends .* before it starts/);
    expect(formatError('WEBVTT\n\nHello there\n', 'a.vtt').message).toMatch(/block at line 3 has no cue timing line/);
  });

  it('rejects a cue glued to the header', () => {
    expect(formatError('WEBVTT\n00:00:01.000 --> 00:00:02.000\nHi\n', 'a.vtt').message).toMatch(/line 2 must be separated from the "WEBVTT" header/);
  });

  it('rejects a .vtt file without the WEBVTT header', () => {
    expect(formatError('00:00:01.000 --> 00:00:02.000\nHi\n', 'talk.vtt').message).toMatch(/must start with a "WEBVTT" header/);
  });
});

describe('parseTranscript: Meetflow JSON', () => {
  it('keeps the language and the word timings it is given', () => {
    const json = JSON.stringify({
      language: 'de',
      segments: [
        {
          speaker: 'Anna',
          start: 0,
          end: 1.5,
          text: 'Guten Morgen',
          words: [
            { word: 'Guten', start: 0, end: 0.6 },
            { word: 'Morgen', start: 0.7, end: 1.5 },
          ],
        },
      ],
    });
    const transcript = parseTranscript(json, 'call.json');
    expect(transcript.language).toBe('de');
    expect(transcript.text).toBe('Anna: Guten Morgen');
    expect(transcript.words).toEqual([
      { word: 'Guten', start: 0, end: 0.6, speaker: 'Anna' },
      { word: 'Morgen', start: 0.7, end: 1.5, speaker: 'Anna' },
    ]);
  });

  it('accepts a bare array of segments, drops silent ones and derives words', () => {
    const json = JSON.stringify([
      { speaker: 'Bo', start: 2, end: 4, text: 'one two three four' },
      { speaker: 'Al', start: 4, end: 5, text: '   ' },
      { speaker: 'Al', start: 5, end: 6, text: 'yes' },
    ]);
    const transcript = parseTranscript(json, 'segments.json');
    expect(transcript.segments.map((segment) => segment.speaker)).toEqual(['Bo', 'Al']);
    expect(transcript.words.map((word) => [word.word, word.start, word.end])).toEqual([
      ['one', 2, 2.5],
      ['two', 2.5, 3],
      ['three', 3, 3.5],
      ['four', 3.5, 4],
      ['yes', 5, 6],
    ]);
    expect(transcript.language).toBe('en');
  });

  it('parses JSON with no segments to zero segments', () => {
    expect(parseTranscript('{"segments": []}', 'empty.json').segments).toEqual([]);
  });

  it('says where the JSON is broken', () => {
    const error = formatError('{\n  "segments": [\n    { "speaker": "A", }\n  ]\n}', 'broken.json');
    expect(error).toBeInstanceOf(TranscriptFormatError);
    expect(error.name).toBe('TranscriptFormatError');
    expect(error.message).toMatch(/^File is not valid JSON at line 3, column 23/);
  });

  it('says which field of which segment is wrong', () => {
    const json = JSON.stringify({ segments: [{ speaker: 'A', start: 0, end: 1, text: 'ok' }, { speaker: 'B', start: '1', end: 2, text: 'x' }] });
    expect(formatError(json, 't.json').message).toContain('segments[1].start must be a non-negative number of seconds');
    expect(formatError('{"items": []}', 't.json').message).toContain('has no "segments" array');
    const backwards = JSON.stringify([{ speaker: 'A', start: 3, end: 1, text: 'x' }]);
    expect(formatError(backwards, 't.json').message).toContain('segments[0] ends (1) before it starts (3)');
  });

  it('rejects content that is neither WebVTT nor JSON, and empty files', () => {
    const error = formatError('Alice: hello\nBob: hi', 'notes.txt');
    expect(error.message).toContain('neither WebVTT nor JSON');
    expect(error.message).toContain('Accepted formats: WebVTT');
    expect(formatError('  \n', 'empty.json').message).toContain('is empty');
  });
});

describe('parseTranscript: QMSum JSON', () => {
  it('cleans annotation marks and spaced punctuation, and drops turns left empty', () => {
    const json = JSON.stringify({
      meeting_transcripts: [
        { speaker: 'A', content: "Okay {vocalsound} so it 's the {disfmarker} the plan , right ?" },
        { speaker: 'B', content: '{vocalsound} {gap}' },
        { speaker: 'B', content: 'Mm-hmm .' },
      ],
    });
    const { segments } = parseTranscript(json, 'meeting.json');
    expect(segments.map((segment) => segment.text)).toEqual(["Okay so it's the the plan, right?", 'Mm-hmm.']);
  });

  it('times turns at 150 words a minute, back to back, with a 0.6 s minimum', () => {
    const json = JSON.stringify({
      meeting_transcripts: [
        { speaker: 'A', content: 'one two three four five six seven eight nine ten' },
        { speaker: 'B', content: 'Yes .' },
      ],
    });
    const { segments } = parseTranscript(json, 'meeting.json');
    expect(segments).toEqual([
      { speaker: 'A', start: 0, end: 4, text: 'one two three four five six seven eight nine ten' },
      { speaker: 'B', start: 4, end: 4.6, text: 'Yes.' },
    ]);
  });

  it('parses a real QMSum meeting from disk', async () => {
    const transcript = await parseTranscriptFile(path.join(QMSUM_DIR, 'ES2002a.json'));
    const { segments } = transcript;
    expect(segments.length).toBeGreaterThan(200);
    expect(transcript.speakers).toEqual(['Project Manager', 'Marketing', 'Industrial Designer', 'User Interface']);
    expect(segments.every((segment) => !/[{}]/.test(segment.text) && !/ [.,?!]/.test(segment.text) && segment.text !== '')).toBe(true);
    expect(segments.every((segment, i) => i === 0 || segment.start === segments[i - 1].end)).toBe(true);
    expect(segments.every((segment) => segment.end - segment.start >= 0.6 - 1e-9)).toBe(true);
    expect(transcript.words.length).toBe(segments.reduce((sum, segment) => sum + segment.text.split(' ').length, 0));
  });

  it('rejects a QMSum file whose turns are malformed', () => {
    const json = JSON.stringify({ meeting_transcripts: [{ speaker: 'A', content: 42 }] });
    expect(formatError(json, 'q.json').message).toContain('meeting_transcripts[0].content must be a string');
  });
});
