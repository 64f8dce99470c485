import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers/temporal';

const meetflow = (...args: string[]) => {
  const run = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'meetflow.js'), ...args], { encoding: 'utf8', cwd: os.tmpdir() });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
};

const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'qmsum', 'ES2002b.json');

test('meetflow summarize <file> --json prints one JSON object with the summary, action items and participants', () => {
  const run = meetflow('summarize', FIXTURE, '--json');
  expect(run.code).toBe(0);
  const output = JSON.parse(run.stdout);
  expect(output.summary).toEqual(
    expect.objectContaining({ executiveSummary: expect.any(String), keyPoints: expect.any(Array), decisions: expect.any(Array), topics: expect.any(Array), sentiment: expect.any(Number) }),
  );
  expect(output.summary.executiveSummary.split(/\s+/).length).toBeGreaterThan(30);
  expect(output.actionItems).toEqual(expect.any(Array));
  expect(output.participants.map((p: { name: string }) => p.name).sort()).toEqual(['Industrial Designer', 'Marketing', 'Project Manager', 'User Interface']);
});

test('meetflow summarize prints a readable summary of a WebVTT file, no services needed', () => {
  const file = path.join(os.tmpdir(), `meetflow-cli-${process.pid}.vtt`);
  writeFileSync(file, 'WEBVTT\n\n00:00.000 --> 00:08.000\n<v Ana>We decided to launch the beta in March.\n\n00:08.000 --> 00:15.000\n<v Ben>I will write the release notes by Friday.\n');
  const run = meetflow('summarize', file);
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/^Summary\n/);
  expect(run.stdout).toMatch(/Decisions\n {2}• .*launch the beta in March/);
  expect(run.stdout).toMatch(/Action items\n {2}• .*release notes \(Ben, due \d{4}-\d{2}-\d{2}/);
});

test('a file that is not a transcript is refused with what was wrong and what is accepted', () => {
  const file = path.join(os.tmpdir(), `meetflow-cli-${process.pid}.json`);
  writeFileSync(file, '{"hello": ');
  const run = meetflow('summarize', file);
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(/^meetflow: .*Accepted formats: WebVTT/);
});

test('an unknown command prints the usage and exits 2', () => {
  const run = meetflow('frobnicate');
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('unknown command "frobnicate"');
  expect(run.stderr).toContain('usage: meetflow <command>');
});
