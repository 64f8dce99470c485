import { createActionItemActivities } from './action-items';
import type { ActivityContext } from './context';
import { createInvitationActivities } from './invitations';
import { createMaintenanceActivities } from './maintenance';
import { createMeetingActivities } from './meetings';
import { createPingActivities } from './ping';
import { createPipelineActivities } from './pipeline';
import { createRecapApprovalActivities } from './recap-approval';
import { createRecorderActivities } from './recorder';
import { createSeriesActivities } from './series';
import { createVideoActivities } from './video';

/** What activities need: the database, the providers, and a few settings. */
export type ActivityDeps = ActivityContext;

/** Every activity, built from its dependencies so tests can hand in their own (samples-typescript's pattern). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createPingActivities(deps.orm),
    ...createMeetingActivities(deps),
    ...createInvitationActivities(deps),
    ...createVideoActivities(deps),
    ...createPipelineActivities(deps),
    ...createRecorderActivities(deps),
    ...createRecapApprovalActivities(deps),
    ...createActionItemActivities(deps),
    ...createSeriesActivities(deps),
    ...createMaintenanceActivities(deps.orm),
  };
}

export type Activities = ReturnType<typeof createActivities>;
