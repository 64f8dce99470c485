import type { ActionItemEntity, MeetingSummaryEntity, ParticipantEntity, ParticipantReportEntity, RoomEntity, TranscriptEntity, Person } from '../../db/entities';
import type { SourceSpan } from '../../db/entities/meeting-summary';
import { briefText, type MeetingBrief } from '../../db/brief';
import { clock } from '../../policies/clock';
import { html, layout, when, type Html } from './html';

const minutes = (seconds: number) => (seconds < 60 ? `${Math.round(seconds)} s` : `${Math.round(seconds / 60)} min`);

/** A link to the transcript line a summary line came from (when the summarizer grounded it). */
const sourceLink = (span: SourceSpan | null | undefined) =>
  span ? html` <a class="source" href="#segment-${span.firstSegment}" aria-label="In the transcript at ${clock(span.start)}">${clock(span.start)}</a>` : '';

export interface NotesView {
  room: RoomEntity;
  user: Person;
  participants: ParticipantEntity[];
  /** Every version, newest first. */
  summaries: MeetingSummaryEntity[];
  items: ActionItemEntity[];
  report?: ParticipantReportEntity;
  transcript?: TranscriptEntity;
  brief: MeetingBrief;
}

/**
 * A meeting, to read: who came, the summary (and its versions), decisions, action items with a Done button,
 * your own report, and the transcript with speakers and times (each summary line links to its moment).
 */
export function notesPage(view: NotesView): string {
  const { room, user } = view;
  const summary = view.summaries[0];
  const body = html`<p><a href="/home">← My meetings</a></p>
<h1>${room.name}</h1>
<p class="muted">${when(room.startedAt ?? room.scheduledStartTime)} · hosted by ${room.host.name} · ${room.status}</p>
${peopleSection(view.participants)}
${briefSection(view.brief)}
${summary ? summarySection(summary, view.summaries) : html`<section aria-labelledby="summary-heading"><h2 id="summary-heading">Summary</h2><p>No summary yet: it is written after the meeting, from its recording.</p></section>`}
${actionItemsSection(room, user, view.items)}
${view.report ? reportSection(view.report) : ''}
${transcriptSection(view.transcript)}`;
  return layout({ title: room.name, body, scripts: ['/assets/notes.js'], signedInAs: user.name });
}

/** What is still open from the same people's earlier meetings: read before (or during) this one. */
function briefSection(brief: MeetingBrief): Html | '' {
  if (!briefText(brief)) return '';
  const last = brief.earlier[0];
  return html`<section aria-labelledby="brief-heading"><h2 id="brief-heading">Before this meeting</h2>
<p class="muted">From ${brief.earlier.map((meeting, i) => html`${i ? ', ' : ''}<a href="/meetings/${meeting.id}/notes">${meeting.title}</a>`)}</p>
${brief.openItems.length ? html`<h3>Still open</h3><ul>${brief.openItems.map((item) => html`<li><a href="/meetings/${item.room.id}/notes#item-${item.id}">${item.title}</a><span class="muted"> · ${item.assignedTo?.name ?? 'unassigned'}${item.dueDate ? ` · due ${item.dueDate}` : ''}</span></li>`)}</ul>` : ''}
${brief.lastDecisions.length ? html`<h3>Decided in ${last.title}</h3><ul>${brief.lastDecisions.map((decision) => html`<li>${decision.text}</li>`)}</ul>` : ''}
${brief.openTopics.length ? html`<h3>Discussed without a decision</h3><ul>${brief.openTopics.map((topic) => html`<li>${topic}</li>`)}</ul>` : ''}
</section>`;
}

function peopleSection(participants: ParticipantEntity[]): Html {
  const line = (p: ParticipantEntity) => {
    const stayed = p.duration ? ` · ${minutes(p.duration)}` : '';
    return html`<li>${p.user.name}${p.role === 'host' ? ' (host)' : ''}<span class="muted"> · ${p.status === 'invited' ? 'invited' : 'came'}${stayed}</span></li>`;
  };
  return html`<section aria-labelledby="people-heading"><h2 id="people-heading">Who came</h2><ul class="people">${participants.map(line)}</ul></section>`;
}

function summarySection(summary: MeetingSummaryEntity, versions: MeetingSummaryEntity[]): Html {
  const list = (lines: Html[]) => (lines.length ? html`<ul>${lines}</ul>` : html`<p>None.</p>`);
  const history = versions.map((v) => html`<li>Version ${v.version}: ${v.generator}, ${when(v.createdAt)}${v === summary ? ' (shown)' : ''}</li>`);
  return html`<section aria-labelledby="summary-heading">
<h2 id="summary-heading">Summary</h2>
<p>${summary.executiveSummary}</p>
${summary.keyPoints.length ? html`<h3>Key points</h3>${list(summary.keyPoints.map((point) => html`<li>${point.text}${sourceLink(point.span)}</li>`))}` : ''}
<h3 id="decisions">Decisions</h3>
${list(summary.decisions.map((decision) => html`<li>${decision.text}${decision.speaker ? html` <span class="muted">(${decision.speaker})</span>` : ''}${sourceLink(decision.span)}</li>`))}
${summary.topics.length ? html`<h3>Topics</h3>${list(summary.topics.map((topic) => html`<li>${topic.title}</li>`))}` : ''}
<details><summary>Versions (${versions.length})</summary><ul>${history}</ul></details>
</section>`;
}

function actionItemsSection(room: RoomEntity, user: Person, items: ActionItemEntity[]): Html {
  const row = (item: ActionItemEntity) => {
    const done = item.status === 'completed';
    const mayComplete = !done && (item.assignedTo?.id === user.id || room.host.id === user.id);
    return html`<li id="item-${item.id}" class="item${done ? ' done' : ''}">
<span class="item-title">${item.title}</span>
<span class="muted"> · ${item.assignedTo?.name ?? 'unassigned'}${item.dueDate ? ` · due ${item.dueDate}` : ''} · ${done ? 'done' : item.status.replace('_', ' ')}</span>${sourceLink(item.source)}
${mayComplete ? html`<form method="post" action="/meetings/${room.id}/notes/action-items/${item.id}/done" class="inline"><button type="submit" aria-label="Mark “${item.title}” done">Done</button></form>` : ''}
</li>`;
  };
  return html`<section aria-labelledby="action-items"><h2 id="action-items">Action items</h2>${items.length ? html`<ul class="items">${items.map(row)}</ul>` : html`<p>None.</p>`}</section>`;
}

function reportSection(report: ParticipantReportEntity): Html {
  return html`<section aria-labelledby="report-heading"><h2 id="report-heading">Your report</h2>
<p>You spoke ${minutes(report.speakingTime)} (${report.speakingPercentage.toFixed(0)}% of the meeting); engagement ${Math.round(report.engagementScore * 100)}/100.</p>
${report.keyContributions.length ? html`<ul>${report.keyContributions.map((point) => html`<li>${point.text}</li>`)}</ul>` : ''}
</section>`;
}

function transcriptSection(transcript: TranscriptEntity | undefined): Html {
  if (!transcript) return html`<section aria-labelledby="transcript-heading"><h2 id="transcript-heading">Transcript</h2><p>No transcript yet.</p></section>`;
  if (transcript.purgedAt) return html`<section aria-labelledby="transcript-heading"><h2 id="transcript-heading">Transcript</h2><p>Removed on ${when(transcript.purgedAt)} by the retention policy; the summary is kept.</p></section>`;
  const line = (segment: TranscriptEntity['segments'][number], i: number) =>
    html`<li id="segment-${i}"><a class="time" href="#segment-${i}">${clock(segment.start)}</a> <strong>${segment.speaker}</strong>: <span class="said">${segment.text}</span></li>`;
  return html`<section aria-labelledby="transcript-heading" id="transcript">
<h2 id="transcript-heading">Transcript</h2>
<label for="transcript-search">Search the transcript</label>
<input type="search" id="transcript-search" autocomplete="off">
<p id="transcript-count" role="status" aria-live="polite" class="muted"></p>
<ol class="transcript">${transcript.segments.map(line)}</ol>
</section>`;
}

/** Filters the transcript's lines as the person types (the page works without it: the browser's own find). */
export const NOTES_SCRIPT = `'use strict';
(function () {
  var input = document.getElementById('transcript-search');
  if (!input) return;
  var lines = Array.prototype.slice.call(document.querySelectorAll('.transcript li'));
  var count = document.getElementById('transcript-count');
  input.addEventListener('input', function () {
    var query = input.value.trim().toLowerCase();
    var shown = 0;
    lines.forEach(function (line) {
      var match = !query || line.textContent.toLowerCase().indexOf(query) !== -1;
      line.hidden = !match;
      if (match) shown += 1;
    });
    count.textContent = query ? shown + (shown === 1 ? ' line matches' : ' lines match') : '';
  });
})();
`;

/** My meetings: upcoming first, then the past ones, each linking to its notes (and its room while it can be joined). */
export function homePage(user: Person, rooms: RoomEntity[]): string {
  const now = Date.now();
  const upcoming = rooms.filter((room) => ['scheduled', 'live'].includes(room.status)).reverse();
  const past = rooms.filter((room) => !upcoming.includes(room));
  const row = (room: RoomEntity) =>
    html`<li><a href="/meetings/${room.id}/notes">${room.name}</a><span class="muted"> · ${when(room.startedAt ?? room.scheduledStartTime)} · ${room.status}</span>${room.status === 'live' || (room.status === 'scheduled' && (room.scheduledStartTime?.getTime() ?? 0) - now < 3_600_000) ? html` · <a href="/meetings/${room.id}/room">Join</a>` : ''}</li>`;
  const body = html`<h1>My meetings</h1>
<p><a href="/home/action-items">My open action items</a></p>
<section aria-labelledby="upcoming-heading"><h2 id="upcoming-heading">Upcoming</h2>${upcoming.length ? html`<ul class="people">${upcoming.map(row)}</ul>` : html`<p>Nothing scheduled.</p>`}</section>
<section aria-labelledby="past-heading"><h2 id="past-heading">Past</h2>${past.length ? html`<ul class="people">${past.map(row)}</ul>` : html`<p>No meetings yet.</p>`}</section>`;
  return layout({ title: 'My meetings', body, signedInAs: user.name });
}

/** Open action items: mine by meeting, and everyone's in the meetings I host, by person. */
export function actionItemsPage(user: Person, mine: ActionItemEntity[], hosted: ActionItemEntity[]): string {
  const groups = (items: ActionItemEntity[], keyOf: (item: ActionItemEntity) => string) => {
    const map = new Map<string, ActionItemEntity[]>();
    for (const item of items) map.set(keyOf(item), [...(map.get(keyOf(item)) ?? []), item]);
    return [...map.entries()];
  };
  const item = (entry: ActionItemEntity, detail: string) =>
    html`<li><a href="/meetings/${entry.room.id}/notes#item-${entry.id}">${entry.title}</a><span class="muted"> · ${detail}${entry.dueDate ? ` · due ${entry.dueDate}` : ''}</span></li>`;
  const byMeeting = groups(mine, (entry) => entry.room.name);
  const byPerson = groups(hosted, (entry) => entry.assignedTo?.name ?? 'Unassigned');
  const body = html`<p><a href="/home">← My meetings</a></p>
<h1>My open action items</h1>
<section aria-labelledby="mine-heading"><h2 id="mine-heading">Mine, by meeting</h2>
${byMeeting.length ? byMeeting.map(([meeting, items]) => html`<h3>${meeting}</h3><ul>${items.map((entry) => item(entry, entry.status.replace('_', ' ')))}</ul>`) : html`<p>Nothing open. Well done.</p>`}
</section>
<section aria-labelledby="hosted-heading"><h2 id="hosted-heading">In meetings I host, by person</h2>
${byPerson.length ? byPerson.map(([person, items]) => html`<h3>${person}</h3><ul>${items.map((entry) => item(entry, entry.room.name))}</ul>`) : html`<p>Nothing open.</p>`}
</section>`;
  return layout({ title: 'My open action items', body, signedInAs: user.name });
}
