import type { Circus } from '@jest/types';
import { TestEnvironment } from 'jest-environment-node';

/**
 * Node's test environment, plus one check once a test file has run all its tests and hooks: nothing it started
 * (services, LiveKit servers: test/helpers/child-processes.ts) may still be running. Leftovers are killed and the
 * file fails naming them. A test that timed out goes on in the background: without this, a process it started
 * could keep Jest from ever exiting.
 */
export default class MeetflowTestEnvironment extends TestEnvironment {
  async handleTestEvent(event: Circus.Event, state: Circus.State): Promise<void> {
    if (event.name !== 'run_finish') return;
    const killLeftovers = (this.global as { killLeftoverProcesses?: () => Promise<string[]> }).killLeftoverProcesses;
    const leftovers = (await killLeftovers?.()) ?? [];
    if (leftovers.length > 0) state.unhandledErrors.push(new Error(`this test file left processes running (killed now): ${leftovers.join('; ')}`));
  }
}
