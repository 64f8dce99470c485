/**
 * Replays recorded workflow histories against the current workflow code (`tsx scripts/replay-histories.ts <dir>`).
 * Exits non-zero, naming the history, when a change would break determinism for workflows already running.
 * Runs as its own process: protobuf's JSON decoding does not survive jest's module sandbox.
 */
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

async function main(dir: string): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const files = readdirSync(dir).filter((file) => file.endsWith('.json'));
  if (files.length === 0) throw new Error(`no histories in ${dir}`);
  const histories = files.map((file) => ({ workflowId: file, history: historyFromJSON(JSON.parse(readFileSync(path.join(dir, file), 'utf8'))) }));
  let failed = 0;
  for await (const result of Worker.runReplayHistories({ workflowsPath: require.resolve('../workflows') }, histories)) {
    if (result.error) {
      failed += 1;
      console.log(`FAIL ${result.workflowId}: ${result.error.message}`);
    } else {
      console.log(`ok   ${result.workflowId}`);
    }
  }
  console.log(`${files.length - failed} replayed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

main(process.argv[2] ?? path.join(__dirname, '..', 'test', 'workflows', 'histories')).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
