import type { ChildProcess } from 'node:child_process';

// The servers and services a test file starts (test/helpers/processes.ts, livekit-server.ts) and has not stopped.
const running = new Set<ChildProcess>();
let fileEnded = false;

/**
 * Starts a process and remembers it until it exits. Once the test file has ended, a timed-out test still running
 * gets an error instead of a process.
 */
export function startTracked<Child extends ChildProcess>(what: string, start: () => Child): Child {
  if (fileEnded) throw new Error(`not starting ${what}: this test file has ended (a timed-out test is still running)`);
  const child = start();
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/**
 * Kills (SIGKILL) what the test file started and did not stop, and refuses to start more; returns what it killed.
 * A test that timed out goes on running in the background: nothing it started may outlive its file.
 */
export async function killLeftoverProcesses(): Promise<string[]> {
  fileEnded = true;
  const leftovers = [...running];
  await Promise.all(leftovers.map((child) => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  })));
  return leftovers.map((child) => child.spawnargs.join(' '));
}

// Called by the test environment once the file's tests and hooks have all run (test/environment.ts).
(globalThis as { killLeftoverProcesses?: typeof killLeftoverProcesses }).killLeftoverProcesses = killLeftoverProcesses;

// The last resort, should the test file's process end first (only a synchronous kill runs here).
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));
