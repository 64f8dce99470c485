import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { configSchema } from '../../config';

// There is no Docker engine here: the deployment file is checked by reading it.
const root = path.resolve(__dirname, '..', '..');
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
const services = compose.services as Record<string, Record<string, any>>;
const APP_SERVICES = ['migrate', 'worker', 'api', 'bot'];

test('the stack has every service Meetflow needs', () => {
  expect(Object.keys(services).sort()).toEqual(['api', 'bot', 'livekit', 'migrate', 'postgres', 'temporal', 'temporal-setup', 'temporal-ui', 'worker']);
});

test('LiveKit: the pinned server the scripts build, its webhooks to the API, the app pointed at it with the same key', () => {
  const script = readFileSync(path.join(root, 'scripts', 'livekit.sh'), 'utf8');
  const pinned = /^LIVEKIT_SERVER_VERSION=(v[\d.]+)$/m.exec(script)![1];
  expect(services.livekit.image).toBe(`livekit/livekit-server:${pinned}`);
  const config = parse(compose.configs.livekit.content);
  expect(config.webhook.urls).toEqual(['http://api:3000/webhooks/livekit']);
  // One key for all three: the server's keys, the key it signs webhooks with, and the app's LIVEKIT_API_KEY.
  expect(services.livekit.environment.LIVEKIT_KEYS).toBe('${LIVEKIT_API_KEY:-meetflow}: ${LIVEKIT_API_SECRET:-}');
  expect(config.webhook.api_key).toBe('${LIVEKIT_API_KEY:-meetflow}');
  expect(services.api.environment.LIVEKIT_API_KEY).toBe('${LIVEKIT_API_KEY:-meetflow}');
  expect(services.livekit.ports).toEqual(['7880:7880', '7881:7881', '7882:7882/udp']);
  for (const name of ['worker', 'api']) expect(services[name].environment.LIVEKIT_URL).toBe('${LIVEKIT_URL:-ws://livekit:7880}');
});

test.each(APP_SERVICES)('%s is built from our Dockerfile and runs a file the build produces', (name) => {
  const service = services[name];
  expect(service.build).toBe('.');
  const entry = (service.command as string[]).find((arg) => arg.startsWith('dist/'))!;
  expect(existsSync(path.join(root, entry.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
  expect(existsSync(path.join(root, 'Dockerfile'))).toBe(true);
});

test.each(APP_SERVICES)('%s reaches PostgreSQL and Temporal by their service names', (name) => {
  const env = services[name].environment;
  expect(new URL(env.DATABASE_URL).host).toBe('postgres:5432');
  expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
});

test('every variable given to our services is one the configuration knows (no typos)', () => {
  const known = Object.keys(configSchema.shape);
  for (const name of APP_SERVICES) {
    expect(Object.keys(services[name].environment).filter((key) => !known.includes(key))).toEqual([]);
  }
});

test('start order: migrations after PostgreSQL is healthy, the app after migrations and Temporal', () => {
  expect(services.migrate.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
  expect(services.temporal.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
  expect(services.worker.depends_on).toMatchObject({
    migrate: { condition: 'service_completed_successfully' },
    'temporal-setup': { condition: 'service_completed_successfully' },
  });
  for (const name of ['api', 'bot']) {
    expect(services[name].depends_on).toMatchObject({
      migrate: { condition: 'service_completed_successfully' },
      temporal: { condition: 'service_healthy' },
    });
  }
});

test('the services others wait on have health checks', () => {
  for (const name of ['postgres', 'temporal', 'api']) {
    expect(services[name].healthcheck?.test).toEqual(expect.any(Array));
  }
  expect(services.api.healthcheck.test.join(' ')).toContain('/health');
});

test('ports: API 3000, bot 3001, Temporal 7233, Temporal UI 8233', () => {
  expect(services.api.ports).toEqual(['3000:3000']);
  expect(services.bot.ports).toEqual(['3001:3001']);
  expect(services.temporal.ports).toEqual(['7233:7233']);
  expect(services['temporal-ui'].ports).toEqual(['8233:8080']);
});

test('workers scale horizontally, and Temporal gets the search attributes operators query by', () => {
  expect(services.worker.deploy.replicas).toBeGreaterThanOrEqual(2);
  const setup = services['temporal-setup'].command.join(' ');
  for (const attribute of ['MeetingStatus:Keyword', 'MeetingHost:Keyword', 'MeetingStart:Datetime']) {
    expect(setup).toContain(attribute);
  }
});

test('the Slack manifest declares /meet, interactivity and the scopes the bot uses', () => {
  const manifest = parse(readFileSync(path.join(root, 'bot', 'manifest.yml'), 'utf8'));
  expect(manifest.features.slash_commands.map((c: { command: string }) => c.command)).toEqual(['/meet']);
  expect(manifest.features.slash_commands[0].should_escape).toBe(true); // mentions arrive as <@U…>, which the parser reads
  expect(manifest.settings.interactivity.is_enabled).toBe(true);
  expect(manifest.oauth_config.scopes.bot).toEqual(expect.arrayContaining(['commands', 'chat:write', 'im:write', 'im:history', 'users:read', 'users:read.email', 'usergroups:read']));
});
