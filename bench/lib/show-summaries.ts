import * as path from 'node:path';
import { summarizeLocally } from '../../integrations/summarizer/local';
import { loadQmsumMeetings } from './qmsum-fixtures';
for (const m of loadQmsumMeetings(path.resolve(__dirname, '../../test/fixtures/qmsum'))) {
  const speakers = [...new Set(m.segments.map((s) => s.speaker))];
  const out = summarizeLocally({ segments: m.segments, participants: speakers.map((name) => ({ name })), title: m.name } as never);
  console.log(`== ${m.name}\nREF: ${(m as any).reference ?? (m as any).summary}\nOURS: ${(out as any).executiveSummary ?? JSON.stringify(out).slice(0, 800)}\n`);
}
