// Every workflow the worker registers. Deterministic code only: no I/O, no Node built-ins, no clocks.
export * from './ping';
