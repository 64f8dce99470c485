import type { MetricMeter } from '@temporalio/common';
import type { ProviderCallRecorder } from '../integrations/instrument';

/**
 * Meetflow's own worker metrics. They go through Temporal's metric meter, so they come out of the same
 * Prometheus endpoint as the SDK's (WORKER_METRICS_PORT) with no second exporter.
 */
export interface WorkerMetrics extends ProviderCallRecorder {
  /** One per delivery attempt that settled: `channel` (slack, log, email…), `outcome` (sent, already-sent, failed, retry). */
  delivery(channel: string, outcome: string): void;
}

export function workerMetrics(meter: MetricMeter): WorkerMetrics {
  const deliveries = meter.createCounter('meetflow_deliveries', 'messages', 'Messages settled by delivery, by channel and outcome');
  const latency = meter.createHistogram('meetflow_provider_call_latency', 'int', 'ms', 'Time of each provider call (Slack, SMTP, Speech, Claude, LiveKit, and the embedded ones)');
  const errors = meter.createCounter('meetflow_provider_call_errors', 'calls', 'Provider calls that failed, by provider, operation and error class');
  return {
    delivery: (channel, outcome) => deliveries.add(1, { channel, outcome }),
    providerCall: ({ kind, provider, operation, ms, error }) => {
      latency.record(Math.round(ms), { kind, provider, operation });
      if (error) errors.add(1, { kind, provider, operation, error });
    },
  };
}

/** For code run outside a worker (tests of single activities, the CLI). */
export const noMetrics: WorkerMetrics = { delivery: () => undefined, providerCall: () => undefined };
