import type {
  ActionItemEntity,
  MeetingSummaryEntity,
  NotificationEntity,
  ParticipantEntity,
  ParticipantReportEntity,
  RecordingEntity,
  RoomEntity,
  SessionEntity,
  Person,
} from '../db/entities';
import type { MeetingListItem } from '../db/visibility';

/** What the API shows of each row: explicit fields, never a password hash or a token hash. */
const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);

export const userView = (user: Person) => ({
  id: user.id,
  email: user.email,
  name: user.name,
  avatarUrl: user.avatarUrl ?? null,
  role: user.role,
  createdAt: iso(user.createdAt),
});

export const sessionView = (session: SessionEntity, currentId?: string) => ({
  id: session.id,
  current: session.id === currentId,
  device: session.deviceInfo,
  ipAddress: session.ipAddress ?? null,
  createdAt: iso(session.createdAt),
  expiresAt: iso(session.expiresAt),
});

export const meetingView = (room: RoomEntity | MeetingListItem) => ({
  id: room.id,
  title: room.name,
  description: room.description ?? null,
  status: room.status,
  type: room.type,
  hostId: room.host.id,
  start: iso(room.scheduledStartTime),
  durationMinutes: room.plannedDuration ?? null,
  startedAt: iso(room.startedAt),
  endedAt: iso(room.endedAt),
  durationSeconds: room.duration ?? null,
  tags: room.tags,
  settings: room.settings,
  workflowId: room.workflowId ?? null,
  createdAt: iso(room.createdAt),
});

export const participantView = (participant: ParticipantEntity) => ({
  id: participant.id,
  userId: participant.user.id,
  name: participant.user.name,
  email: participant.user.email,
  role: participant.role,
  status: participant.status,
  joinedAt: iso(participant.joinedAt),
  leftAt: iso(participant.leftAt),
  durationSeconds: participant.duration,
});

export const recordingView = (recording: RecordingEntity) => ({
  id: recording.id,
  providerId: recording.livekitRecordingId,
  status: recording.status,
  durationSeconds: recording.duration ?? null,
  fileSize: recording.fileSize ?? null,
  startedAt: iso(recording.startedAt),
  completedAt: iso(recording.completedAt),
});

export const summaryView = (summary: MeetingSummaryEntity) => ({
  id: summary.id,
  version: summary.version,
  generator: summary.generator,
  model: summary.model ?? null,
  executiveSummary: summary.executiveSummary,
  keyPoints: summary.keyPoints,
  decisions: summary.decisions,
  topics: summary.topics,
  /** The kind of meeting and its template's sections (standup: per person yesterday/today/blockers, …). */
  kind: summary.kind ?? null,
  sections: summary.sections,
  sentiment: summary.overallSentiment ?? null,
  engagementScore: summary.engagementScore ?? null,
  totalSpeakingSeconds: summary.totalSpeakingTime,
  createdAt: iso(summary.createdAt),
});

export const actionItemView = (item: ActionItemEntity) => ({
  id: item.id,
  meetingId: item.room.id,
  title: item.title,
  description: item.description ?? null,
  type: item.type,
  priority: item.priority,
  status: item.status,
  dueDate: item.dueDate ?? null,
  assignee: item.assignedTo ? { id: item.assignedTo.id, name: item.assignedTo.name, email: item.assignedTo.email } : null,
  completedAt: iso(item.completedAt),
  tags: item.tags,
});

export const reportView = (report: ParticipantReportEntity) => ({
  id: report.id,
  participant: { id: report.participant.id, userId: report.participant.user.id, name: report.participant.user.name },
  summaryId: report.summary.id,
  speakingSeconds: report.speakingTime,
  speakingPercentage: report.speakingPercentage,
  engagementScore: report.engagementScore,
  keyContributions: report.keyContributions,
  tasksAssignedCount: report.tasksAssignedCount,
  content: report.reportContent,
});

export const notificationView = (notification: NotificationEntity) => ({
  id: notification.id,
  type: notification.type,
  title: notification.title,
  message: notification.message,
  data: notification.data,
  actionUrl: notification.actionUrl ?? null,
  isRead: notification.isRead,
  readAt: iso(notification.readAt),
  createdAt: iso(notification.createdAt),
});
