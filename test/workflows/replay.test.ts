import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers/temporal';

// Histories of finished meetings, recorded from real runs (RECORD_HISTORIES=1 npx jest meeting-lifecycle).
// Replaying them against the current workflow code fails when a change would break running meetings.
// The *-serial-mirror ones wrote their state through local activities, the *-serial-activities ones through regular
// activities (today's path); late-start-zero-wait.json (from a worker-restart test) is a meeting of the local
// activity era that started as it was scheduled: the SDK's zero-timeout patch follows a local activity in it.
const dir = path.join(__dirname, 'histories');

test('the recorded histories replay deterministically on the current workflow code', () => {
  const files = readdirSync(dir).filter((file) => file.endsWith('.json'));
  expect(files).toEqual(expect.arrayContaining(['whole-meeting.json', 'recording-pipeline.json', 'rescheduled-then-cancelled.json', 'late-start-zero-wait.json', 'whole-meeting-serial-activities.json', 'rescheduled-then-cancelled-serial-activities.json']));
  const run = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'scripts', 'replay-histories.ts'), dir], { encoding: 'utf8' });
  expect(run.stdout).toContain(`${files.length} replayed, 0 failed`);
  expect(run.status).toBe(0);
});
