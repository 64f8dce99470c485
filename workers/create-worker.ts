import type { MikroORM } from '@mikro-orm/postgresql';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';

export interface MeetflowWorkerOptions {
  connection: NativeConnection;
  orm: MikroORM;
  namespace: string;
  taskQueue: string;
  /** A prebuilt bundle (tests build one once); otherwise the worker bundles workflows/ at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export async function createMeetflowWorker(options: MeetflowWorkerOptions): Promise<Worker> {
  const workflowSource = options.workflowBundle
    ? { workflowBundle: options.workflowBundle }
    : { workflowsPath: require.resolve('../workflows') };
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities({ orm: options.orm }),
    ...workflowSource,
  });
}
