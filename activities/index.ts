import { createActionItemActivities } from './action-items';
import { createConsentActivities, storedConsent } from './consent';
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
export function createActivities(given: ActivityDeps) {
  const deps = { ...given, mayRecord: given.mayRecord ?? storedConsent(given) };
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
    ...createConsentActivities(deps),
    ...createMaintenanceActivities(deps.orm),
  };
}

export type Activities = ReturnType<typeof createActivities>;
