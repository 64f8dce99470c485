import { randomUUID } from 'node:crypto';
import { config } from '../config';
import { pingWorkflow } from '../workflows';
import { withTemporalClient, workflowUiUrl } from './temporal';

const USAGE = `usage: meetflow <command>

commands:
  ping [message]   run the ping workflow on the running worker and print its result
  help             this message`;

async function ping(message: string): Promise<void> {
  const cfg = config();
  const workflowId = `ping-${randomUUID()}`;
  const result = await withTemporalClient(cfg, (client) =>
    client.workflow.execute(pingWorkflow, { workflowId, taskQueue: cfg.TEMPORAL_TASK_QUEUE, args: [message], workflowExecutionTimeout: '30 seconds' }),
  );
  console.log(`pong: "${result.message}" written as notification ${result.notificationId}`);
  console.log(`see it in the Temporal UI: ${workflowUiUrl(cfg, workflowId)}`);
}

async function main(argv: string[]): Promise<void> {
  const [command = 'help', ...args] = argv;
  switch (command) {
    case 'ping':
      return ping(args.join(' ') || 'ping');
    case 'help':
    case '--help':
      console.log(USAGE);
      return;
    default:
      console.error(`unknown command "${command}"\n\n${USAGE}`);
      process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`meetflow: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
