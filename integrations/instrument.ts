import type { Providers } from './index';

/** Where provider call timings go (the worker's metrics implement it). */
export interface ProviderCallRecorder {
  /** One per provider call: how long it took, and whether it failed (`error` is the error's class). */
  providerCall(call: { kind: string; provider: string; operation: string; ms: number; error?: string }): void;
}

type Kind = keyof Providers;

/**
 * The same providers, each async method call timed and its failures counted (`meetflow_provider_call_*`).
 * A Proxy, so every provider and every method is covered without each one knowing about metrics.
 */
export function instrumentProviders(providers: Providers, metrics: ProviderCallRecorder): Providers {
  const wrapped = {} as Record<Kind, unknown>;
  for (const kind of Object.keys(providers) as Kind[]) {
    const provider = providers[kind];
    if (provider) wrapped[kind] = instrument(provider, kind, metrics);
  }
  return wrapped as Providers;
}

function instrument<T extends object & { name: string }>(provider: T, kind: Kind, metrics: ProviderCallRecorder): T {
  return new Proxy(provider, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) => {
        const started = performance.now();
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (!(result instanceof Promise)) return result;
        const done = (error?: unknown) => metrics.providerCall({ kind, provider: target.name, operation: property, ms: performance.now() - started, error: error === undefined ? undefined : errorClass(error) });
        return result.then(
          (value: unknown) => {
            done();
            return value;
          },
          (error: unknown) => {
            done(error);
            throw error;
          },
        );
      };
    },
  });
}

const errorClass = (error: unknown) => (error instanceof Error ? (error.constructor?.name ?? error.name) : typeof error);
