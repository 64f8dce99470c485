import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { recordAudit } from '../db/audit';

export const MAINTENANCE_JOBS = ['expire-invitations', 'clean-sessions', 'clean-notifications', 'archive-recordings', 'purge-transcripts', 'delete-summaries'] as const;
export type MaintenanceJob = (typeof MAINTENANCE_JOBS)[number];

/** One cleanup function per job (the seed's four, and the per-artifact retention); each returns how many rows it changed. */
const SQL: Record<MaintenanceJob, string> = {
  'expire-invitations': 'select cleanup_expired_invitations() as n',
  'clean-sessions': 'select cleanup_expired_sessions() as n',
  'clean-notifications': 'select cleanup_old_notifications(?) as n',
  'archive-recordings': 'select cleanup_old_recordings(?) as n',
  'purge-transcripts': 'select cleanup_old_transcripts(?) as n',
  'delete-summaries': 'select cleanup_old_summaries(?) as n',
};

export interface MaintenanceInput {
  job: MaintenanceJob;
  /** The retention age of the job's artifact; 0 keeps it for ever (the retention jobs then change nothing). */
  days: number;
  /** Who asked: "schedule" for the Temporal Schedule, "cli:<os user>" for `meetflow maintenance run`. */
  requestedBy?: string;
}

export interface MaintenanceResult {
  job: MaintenanceJob;
  /** Rows expired, deleted, emptied or archived. */
  affected: number;
  /** Recording files removed from this machine's disk (archive-recordings only). */
  filesDeleted?: number;
}

export function createMaintenanceActivities(orm: MikroORM) {
  return {
    /** Runs one job in a transaction with its audit row: the log says what each run removed, and who asked. */
    async runMaintenanceJob(input: MaintenanceInput): Promise<MaintenanceResult> {
      return orm.em.fork().transactional(async (em) => {
        // em.execute, not em.getConnection().execute: the cleanup must run on the transaction's connection,
        // or it commits on its own and the audit row's transaction no longer covers it.
        const files = input.job === 'archive-recordings' ? await recordingFilesToArchive(em, input.days) : [];
        const sql = SQL[input.job];
        const [row] = await em.execute<{ n: number }[]>(sql, sql.includes('?') ? [input.days] : []);
        const result: MaintenanceResult = { job: input.job, affected: row.n, ...(input.job === 'archive-recordings' ? { filesDeleted: await deleteLocalFiles(files) } : {}) };
        await recordAudit(em, {
          actor: { label: input.requestedBy ?? 'schedule' },
          action: 'maintenance.run',
          target: { type: 'maintenance_job', id: input.job },
          source: input.requestedBy?.startsWith('cli:') ? 'cli' : 'worker',
          details: { ...result, days: input.days },
        });
        return result;
      });
    },
  };
}

/** The files of the recordings the archive step is about to drop the reference to. */
async function recordingFilesToArchive(em: EntityManager, days: number): Promise<string[]> {
  const rows = await em.execute<{ file_path: string | null }[]>(
    `select file_path from recordings where status <> 'archived' and file_path is not null and coalesce(completed_at, created_at) < now() - make_interval(days => ?)`,
    [days],
  );
  return rows.map((row) => row.file_path!);
}

/**
 * Removes the recording files that are on this machine (the embedded provider's, or an egress volume mounted
 * here). Object storage (s3://, gs://) is left to the bucket's own lifecycle rules.
 */
async function deleteLocalFiles(files: string[]): Promise<number> {
  let deleted = 0;
  for (const file of files.filter((name) => path.isAbsolute(name))) {
    const existed = await rm(file).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return false;
        throw error;
      },
    );
    if (existed) deleted += 1;
  }
  return deleted;
}
