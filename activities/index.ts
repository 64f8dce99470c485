import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Providers } from '../integrations';
import { createActionItemActivities } from './action-items';
import type { ActivityContext } from './context';
import { createMeetingActivities } from './meetings';
import { createPingActivities } from './ping';
import { createPipelineActivities } from './pipeline';
import { createSeriesActivities } from './series';

export interface ActivityDeps {
  orm: MikroORM;
  providers: Providers;
  log: Logger;
  publicUrl: string;
  timeZone: string;
  summaryMaxAttempts: number;
}

/** Every activity, built from its dependencies so tests can hand in their own (samples-typescript's pattern). */
export function createActivities(deps: ActivityDeps) {
  const ctx: ActivityContext = deps;
  return {
    ...createPingActivities(deps.orm),
    ...createMeetingActivities(ctx),
    ...createPipelineActivities(ctx),
    ...createActionItemActivities(ctx),
    ...createSeriesActivities(ctx),
  };
}

export type Activities = ReturnType<typeof createActivities>;
