// Every workflow the worker registers. Deterministic code only: no I/O, no Node built-ins, no clocks.
export * from './action-item-reminder';
export * from './meeting';
export * from './ping';
export * from './recording-pipeline';
export * from './recurring';
export * from './maintenance';
