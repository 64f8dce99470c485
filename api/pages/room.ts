import type { RoomEntity, Person } from '../../db/entities';
import { isMeetingRecorded } from '../../policies/recording';
import type { RecordingMode } from '../../integrations/video/types';
import { type Html, html, layout, when } from './html';

/** Whether people in this meeting are recorded (shared with the invites). */
export const isRecorded = isMeetingRecorded;

/**
 * The meeting's room: who is there, a recording notice, mic on/off and leave. The script (/assets/room.js, with
 * livekit-client) asks /meetings/{id}/room/token for a join token when the person presses Join.
 */
export function roomPage(room: RoomEntity, user: Person, recordingMode: RecordingMode | undefined, consent: RoomConsent): string {
  const recorded = isRecorded(room, recordingMode);
  const body = html`<h1 id="title">${room.name}</h1>
<p class="muted">Starts ${when(room.scheduledStartTime)} · hosted by ${room.host.name}</p>
${recorded
  ? html`<p class="notice" id="recording-notice"><strong>This meeting is recorded.</strong> What everyone says is recorded and transcribed, and the summary and action items are sent to the participants afterwards.</p>
${consentForm(room, consent)}`
  : html`<p class="muted" id="recording-notice">This meeting is not recorded.</p>`}
<section aria-labelledby="room-heading" id="room" data-token-url="/meetings/${room.id}/room/token" data-you="${user.id}">
  <h2 id="room-heading">In the room</h2>
  <p id="state" role="status" aria-live="polite">You have not joined yet.</p>
  <div class="controls">
    <button type="button" class="primary" id="join">Join the meeting</button>
    <button type="button" id="mic" disabled>Mute microphone</button>
    <button type="button" id="leave" disabled>Leave</button>
  </div>
  <ul class="people" id="people" aria-label="People in the room"></ul>
</section>`;
  return layout({ title: room.name, body, scripts: ['/assets/livekit-client.js', '/assets/room.js'], signedInAs: user.name });
}

/** The reader's own recording decision: whether they are recorded now, and a fresh event id for the form. */
export interface RoomConsent {
  recorded: boolean;
  eventId: string;
}

/** The switch for the reader alone (issue 17), before or during the meeting: a plain form, no script needed. */
function consentForm(room: RoomEntity, consent: RoomConsent): Html {
  return html`<form method="post" action="/meetings/${room.id}/room/consent" id="recording-consent" class="inline">
  <input type="hidden" name="eventId" value="${consent.eventId}">
  <input type="hidden" name="record" value="${consent.recorded ? 'false' : 'true'}">
  <p id="consent-state">${consent.recorded ? 'You are recorded in this meeting.' : 'You are not recorded in this meeting: the recorder leaves your voice out, and your words are not in its transcript or summary.'}</p>
  <button type="submit" id="consent-toggle">${consent.recorded ? "Don't record me" : 'Record me'}</button>
</form>`;
}

/**
 * The page's script. LivekitClient is the global of livekit-client's prebuilt browser build. The token is fetched
 * when the person joins (never put in the page or a URL), with the session cookie.
 */
export const ROOM_SCRIPT = `'use strict';
(function () {
  var LK = window.LivekitClient;
  var section = document.getElementById('room');
  var state = document.getElementById('state');
  var people = document.getElementById('people');
  var joinButton = document.getElementById('join');
  var micButton = document.getElementById('mic');
  var leaveButton = document.getElementById('leave');
  var room = null;

  function say(text) { state.textContent = text; }

  function renderPeople() {
    people.textContent = '';
    if (!room) return;
    var everyone = [room.localParticipant].concat(Array.from(room.remoteParticipants.values()));
    everyone.forEach(function (p) {
      var li = document.createElement('li');
      li.dataset.identity = p.identity;
      li.textContent = (p.name || p.identity) + (p === room.localParticipant ? ' (you)' : '') + (p.isMicrophoneEnabled ? '' : ' · muted');
      people.appendChild(li);
    });
  }

  function setConnected(connected) {
    joinButton.disabled = connected;
    micButton.disabled = !connected;
    leaveButton.disabled = !connected;
  }

  async function join() {
    joinButton.disabled = true;
    say('Joining…');
    try {
      var response = await fetch(section.dataset.tokenUrl, { credentials: 'same-origin', headers: { accept: 'application/json' } });
      var answer = await response.json();
      if (!response.ok) throw new Error(answer.detail || 'could not get a join token');
      room = new LK.Room();
      [LK.RoomEvent.ParticipantConnected, LK.RoomEvent.ParticipantDisconnected, LK.RoomEvent.TrackPublished, LK.RoomEvent.TrackUnpublished,
        LK.RoomEvent.TrackMuted, LK.RoomEvent.TrackUnmuted, LK.RoomEvent.LocalTrackPublished, LK.RoomEvent.LocalTrackUnpublished,
        LK.RoomEvent.ParticipantNameChanged].forEach(function (event) { room.on(event, renderPeople); });
      room.on(LK.RoomEvent.TrackSubscribed, function (track) {
        if (track.kind === 'audio') document.body.appendChild(track.attach());
      });
      room.on(LK.RoomEvent.TrackUnsubscribed, function (track) { track.detach().forEach(function (el) { el.remove(); }); });
      room.on(LK.RoomEvent.Disconnected, function () {
        room = null;
        setConnected(false);
        renderPeople();
        say('You have left the meeting.');
      });
      await room.connect(answer.url, answer.token);
      setConnected(true);
      renderPeople();
      say('You are in the meeting.');
      await room.localParticipant.setMicrophoneEnabled(true);
      micButton.textContent = 'Mute microphone';
      renderPeople();
    } catch (error) {
      if (room) await room.disconnect();
      room = null;
      setConnected(false);
      say('Could not join: ' + error.message);
    }
  }

  async function toggleMic() {
    if (!room) return;
    var on = !room.localParticipant.isMicrophoneEnabled;
    await room.localParticipant.setMicrophoneEnabled(on);
    micButton.textContent = on ? 'Mute microphone' : 'Unmute microphone';
    say(on ? 'Your microphone is on.' : 'Your microphone is off.');
    renderPeople();
  }

  joinButton.addEventListener('click', join);
  micButton.addEventListener('click', toggleMic);
  leaveButton.addEventListener('click', function () { if (room) room.disconnect(); });
})();
`;
