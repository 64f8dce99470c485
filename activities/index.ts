import type { MikroORM } from '@mikro-orm/postgresql';
import { createPingActivities } from './ping';

export interface ActivityDeps {
  orm: MikroORM;
}

/** Every activity, built from its dependencies so tests can hand in their own (samples-typescript's pattern). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createPingActivities(deps.orm),
  };
}

export type Activities = ReturnType<typeof createActivities>;
