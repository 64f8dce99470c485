import { DefaultLogger, Runtime } from '@temporalio/worker';

// Keep test output to what matters: the SDK's worker lifecycle lines are noise here.
Runtime.install({ logger: new DefaultLogger('WARN') });
