/**
 * Summary quality on real meetings (QMSum): ROUGE F1 of the local summarizer's executive summary against the
 * human reference, next to the Lead baseline (the meeting's first N words, N = the reference's length); and the
 * precision and recall of its action items and their owners against hand labels (test/fixtures/action-item-labels.json).
 * Run: npm run bench -- summary-quality   (QMSUM_DIR overrides the fixtures folder, test/fixtures/qmsum)
 */
import { availableParallelism, loadavg } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { summarizeLocally } from '../integrations/summarizer/local';
import type { SummaryInput } from '../integrations/summarizer/types';
import { addCounts, countItems, type ItemCounts, loadLabels, ratio } from './lib/action-item-scoring';
import { countWords, leadBaseline, loadQmsumMeetings, type QmsumMeeting } from './lib/qmsum-fixtures';
import { rouge, type RougeScores } from './lib/rouge';
import { reportFigures } from './lib/figures';
import { formatTable } from './lib/table';

interface MeetingResult {
  name: string;
  meetingWords: number;
  referenceWords: number;
  summaryWords: number;
  local: RougeScores;
  lead: RougeScores;
  milliseconds: number;
  /** CPU time of this process during the call: on a shared, loaded machine wall time mostly measures the others. */
  cpuMilliseconds: number;
  items: ItemCounts;
}

const MEETING_DATE = new Date('2026-11-25T10:00:00Z');

function summaryInput(meeting: QmsumMeeting): SummaryInput {
  const speakers = [...new Set(meeting.segments.map((segment) => segment.speaker))];
  return {
    segments: meeting.segments,
    participants: speakers.map((name) => ({ id: name, name })),
    meetingDate: MEETING_DATE,
    timeZone: 'UTC',
  };
}

const LABELS = loadLabels(path.resolve(__dirname, '../test/fixtures/action-item-labels.json'));

function evaluate(meeting: QmsumMeeting): MeetingResult {
  const input = summaryInput(meeting);
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const { executiveSummary, actionItems } = summarizeLocally(input);
  const milliseconds = performance.now() - started;
  const cpu = process.cpuUsage(cpuStarted);
  const referenceWords = countWords(meeting.reference);
  return {
    name: meeting.name,
    meetingWords: meeting.segments.reduce((sum, segment) => sum + countWords(segment.text), 0),
    referenceWords,
    summaryWords: countWords(executiveSummary),
    local: rouge(executiveSummary, meeting.reference),
    lead: rouge(leadBaseline(meeting.segments, referenceWords), meeting.reference),
    milliseconds,
    cpuMilliseconds: (cpu.user + cpu.system) / 1000,
    items: countItems(actionItems, LABELS[meeting.name] ?? []),
  };
}

function f1Cells(scores: RougeScores): string[] {
  return [scores.rouge1, scores.rouge2, scores.rougeL].map((score) => score.f1.toFixed(3));
}

function mean(results: MeetingResult[], pick: (result: MeetingResult) => number): number {
  return results.reduce((sum, result) => sum + pick(result), 0) / Math.max(1, results.length);
}

/** Each mean F1 of the local summary over the Lead baseline's, unrounded first: "1.493× / 1.610× / 1.237×". */
function leadRatios(results: MeetingResult[]): string {
  return (['rouge1', 'rouge2', 'rougeL'] as const)
    .map((key) => `${(mean(results, (result) => result.local[key].f1) / mean(results, (result) => result.lead[key].f1)).toFixed(3)}×`)
    .join(' / ');
}

function main(): void {
  const directory = process.env.QMSUM_DIR ?? path.resolve(__dirname, '../test/fixtures/qmsum');
  const meetings = loadQmsumMeetings(directory);
  if (meetings.length === 0) throw new Error(`No QMSum fixtures (*.json) in ${directory}`);
  summarizeLocally(summaryInput(meetings[0])); // warm-up, so the first timing is not mostly JIT compilation
  const results = meetings.map(evaluate);

  const header = ['meeting', 'words', 'ref', 'local', 'R1 local', 'R2 local', 'RL local', 'R1 lead', 'R2 lead', 'RL lead', 'ms', 'cpu ms'];
  const rows = results.map((result) => [
    result.name,
    String(result.meetingWords),
    String(result.referenceWords),
    String(result.summaryWords),
    ...f1Cells(result.local),
    ...f1Cells(result.lead),
    result.milliseconds.toFixed(1),
    result.cpuMilliseconds.toFixed(1),
  ]);
  const meanRow = [
    'MEAN',
    '',
    '',
    '',
    ...(['rouge1', 'rouge2', 'rougeL'] as const).map((key) => mean(results, (result) => result.local[key].f1).toFixed(3)),
    ...(['rouge1', 'rouge2', 'rougeL'] as const).map((key) => mean(results, (result) => result.lead[key].f1).toFixed(3)),
    mean(results, (result) => result.milliseconds).toFixed(1),
    mean(results, (result) => result.cpuMilliseconds).toFixed(1),
  ];
  console.log(`QMSum fixtures: ${directory}`);
  console.log('ROUGE F1 (lowercased, alphanumeric tokens, light Porter stemming on both sides); words = meeting / reference / local summary.\n');
  console.log(formatTable(header, [...rows, meanRow], { summaryRow: true }));
  console.log(`\nlocal over Lead, mean F1 (ROUGE-1 / 2 / L): ${leadRatios(results)}`);
  const items = addCounts(results.map((result) => result.items));
  console.log('\nAction items against the hand labels (a match: the item\'s transcript span overlaps the label\'s):\n');
  console.log(
    formatTable(
      ['meeting', 'extracted', 'labelled', 'matched', 'owners given', 'owners right'],
      [...results, { name: 'ALL', items }].map((result) => [result.name, ...[result.items.extracted, result.items.labelled, result.items.matched, result.items.ownersGiven, result.items.ownersRight].map(String)]),
      { summaryRow: true },
    ),
  );
  const longest = results.reduce((a, b) => (b.meetingWords > a.meetingWords ? b : a));
  reportFigures('summary-quality', [
    { figure: 'action items: precision / recall', value: `${ratio(items.matched, items.extracted)} / ${ratio(items.matched, items.labelled)}`, baseline: `${items.labelled} labelled items` },
    { figure: 'owners: precision / recall', value: `${ratio(items.ownersRight, items.ownersGiven)} / ${ratio(items.ownersRight, items.labelledOwners)}`, baseline: `${items.labelledOwners} labelled owners` },
    {
      figure: `local summarizer time, longest meeting (${longest.name}, ${longest.meetingWords} words)`,
      value: `${longest.milliseconds.toFixed(0)} ms wall, ${longest.cpuMilliseconds.toFixed(0)} ms CPU`,
      baseline: `load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`,
    },
    { figure: `ROUGE-1/2/L F1, mean of ${results.length} QMSum meetings`, value: `local ${meanRow.slice(4, 7).join(' / ')}`, baseline: `Lead: ${meanRow.slice(7, 10).join(' / ')}` },
    { figure: 'ROUGE-1/2/L F1, local over Lead', value: leadRatios(results), baseline: 'Lead 1×' },
    { figure: 'local summarizer time per meeting', value: `${meanRow[10]} ms wall, ${meanRow[11]} ms CPU`, baseline: '' },
  ]);
}

main();
