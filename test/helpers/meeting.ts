import type { WorkflowHandle } from '@temporalio/client';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { MeetingEvents, waitForPhase } from '../../clients/video-events';
import type { MeetingStatus } from '../../workflows/messages';
import { unique } from './db';

/**
 * Plays a meeting that has reached (or will reach) `live`: the given people join, a recording whose sidecar
 * transcript is `vtt` runs, everyone leaves and the room closes. Resolves with the workflow's final status.
 */
export async function playRecordedMeeting(handle: WorkflowHandle, dataDir: string, people: { id: string; name?: string }[], vtt: string): Promise<MeetingStatus> {
  const events = new MeetingEvents(handle);
  await waitForPhase(handle, ['live']);
  for (const person of people) await events.join(person.id, person.name);
  const recordingId = unique('EG');
  await events.startRecording(recordingId);
  const audio = path.join(dataDir, `${recordingId}.ogg`);
  writeFileSync(audio, '');
  writeFileSync(path.join(dataDir, `${recordingId}.vtt`), vtt);
  for (const person of people) await events.leave(person.id);
  await events.finishRoom();
  await events.finishRecording(recordingId, { filePath: audio });
  return (await handle.result()) as MeetingStatus;
}

/** A WebVTT transcript from (speaker, text) lines, ten seconds each. */
export function vttOf(lines: [speaker: string, text: string][]): string {
  const at = (seconds: number) => `00:${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}.000`;
  return `WEBVTT\n\n${lines.map(([speaker, text], i) => `${at(i * 10)} --> ${at(i * 10 + 10)}\n<v ${speaker}>${text}`).join('\n\n')}\n`;
}
