import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config';
import { temporalConnectionSettings } from '../config/temporal-connection';

export async function withTemporalClient<T>(cfg: Config, use: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect(temporalConnectionSettings(cfg)).catch((error: unknown) => {
    throw new Error(`cannot reach Temporal at ${cfg.TEMPORAL_ADDRESS} (is \`npm start\` running?): ${(error as Error).message}`);
  });
  try {
    return await use(new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE }));
  } finally {
    await connection.close();
  }
}

export function workflowUiUrl(cfg: Config, workflowId: string): string {
  return `${cfg.TEMPORAL_UI_URL}/namespaces/${cfg.TEMPORAL_NAMESPACE}/workflows/${encodeURIComponent(workflowId)}`;
}
