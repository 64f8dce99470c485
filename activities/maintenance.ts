import type { MikroORM } from '@mikro-orm/postgresql';

export const MAINTENANCE_JOBS = ['expire-invitations', 'clean-sessions', 'clean-notifications', 'archive-recordings'] as const;
export type MaintenanceJob = (typeof MAINTENANCE_JOBS)[number];

/** The seed's cleanup functions, one per job; each returns how many rows it changed. */
const SQL: Record<MaintenanceJob, (days: number) => [string, unknown[]]> = {
  'expire-invitations': () => ['select cleanup_expired_invitations() as n', []],
  'clean-sessions': () => ['select cleanup_expired_sessions() as n', []],
  'clean-notifications': (days) => ['select cleanup_old_notifications(?) as n', [days]],
  'archive-recordings': (days) => ['select cleanup_old_recordings(?) as n', [days]],
};

export interface MaintenanceResult {
  job: MaintenanceJob;
  /** Rows expired, deleted or archived. */
  affected: number;
}

export function createMaintenanceActivities(orm: MikroORM) {
  return {
    async runMaintenanceJob(input: { job: MaintenanceJob; days: number }): Promise<MaintenanceResult> {
      const [sql, params] = SQL[input.job](input.days);
      const [row] = await orm.em.fork().getConnection().execute<{ n: number }[]>(sql, params);
      return { job: input.job, affected: row.n };
    },
  };
}
