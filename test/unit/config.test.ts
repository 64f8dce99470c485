import { readFileSync } from 'node:fs';
import path from 'node:path';
import { configSchema, ConfigError, loadConfig } from '../../config';

test('with no environment at all, every setting has its embedded default', () => {
  expect(loadConfig({})).toMatchObject({
    DATABASE_URL: 'postgres://meetflow:meetflow@127.0.0.1:5432/meetflow',
    TEMPORAL_ADDRESS: '127.0.0.1:7233',
    TEMPORAL_TASK_QUEUE: 'meetings',
    API_PORT: 3000,
    BOT_PORT: 3001,
  });
  expect(loadConfig({}).SLACK_SIGNING_SECRET).toBeUndefined();
});

test('an empty variable counts as unset', () => {
  expect(loadConfig({ SLACK_BOT_TOKEN: '' }).SLACK_BOT_TOKEN).toBeUndefined();
});

test('bad values are refused with a message naming each variable', () => {
  expect(() => loadConfig({ API_PORT: 'eighty', DATABASE_URL: 'not a url' })).toThrow(ConfigError);
  expect(() => loadConfig({ API_PORT: 'eighty', DATABASE_URL: 'not a url' })).toThrow('API_PORT: must be a port number (1-65535)');
  expect(() => loadConfig({ API_PORT: 'eighty', DATABASE_URL: 'not a url' })).toThrow('DATABASE_URL: must be a URL such as postgres://');
});

test('the README configuration table lists every setting', () => {
  const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  // A row's first cell may name several variables: | `API_HOST` / `API_PORT` | …
  const firstCells = [...readme.matchAll(/^\| ([^|]+) \|/gm)].map((match) => match[1]);
  const documented = new Set(firstCells.flatMap((cell) => [...cell.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((match) => match[1])));
  expect(Object.keys(configSchema.shape).filter((name) => !documented.has(name))).toEqual([]);
});
