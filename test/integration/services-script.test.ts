import { spawnSync } from 'node:child_process';
import path from 'node:path';

const script = path.resolve(__dirname, '..', '..', 'scripts', 'services.sh');
const run = (args: string[], env: NodeJS.ProcessEnv = {}) => {
  const result = spawnSync('bash', [script, ...args], { encoding: 'utf8', env: { ...process.env, ...env, DATABASE_URL: undefined } });
  return { code: result.status, output: result.stdout + result.stderr };
};

test('services.sh is safe to run again: with both services up it starts nothing', () => {
  const { code, output } = run(['up']);
  expect(code).toBe(0);
  expect(output).toContain('PostgreSQL at 127.0.0.1:5432, database meetflow (and meetflow_test)');
  expect(output).toContain('Temporal at 127.0.0.1:7233');
  expect(output).not.toMatch(/Starting|starting the dev server|Installing/);
});

test('services.sh status names both services', () => {
  const { code, output } = run(['status']);
  expect(code).toBe(0);
  expect(output).toMatch(/^postgres: up/m);
  expect(output).toMatch(/^temporal: up \(127\.0\.0\.1:7233\)/m);
});

test('a Temporal address taken by something else fails with a message that says so', () => {
  const { code, output } = run(['up'], { TEMPORAL_ADDRESS: '127.0.0.1:5432' });
  expect(code).toBe(1);
  expect(output).toContain('something listens on 127.0.0.1:5432 but is not a healthy Temporal server');
});

test('an unknown subcommand prints the usage', () => {
  expect(run(['restart'])).toEqual({ code: 1, output: expect.stringContaining('usage: scripts/services.sh [up|stop|status]') });
});

test('the PostgreSQL-backed Temporal script (benchmarks only) prints its usage for an unknown subcommand, building nothing', () => {
  const result = spawnSync('bash', [path.resolve(__dirname, '..', '..', 'scripts', 'temporal-postgres.sh'), 'restart'], { encoding: 'utf8' });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('usage: scripts/temporal-postgres.sh [install|up|stop|reset]');
  expect(result.stdout).not.toContain('Building');
});
