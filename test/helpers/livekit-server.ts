import { dispose as disposeRtc, Room } from '@livekit/rtc-node';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import os from 'node:os';
import path from 'node:path';
import { startTracked } from './child-processes';
import { freePort } from './processes';
import { ROOT } from './temporal';
import { waitFor } from './wait';

/** The LiveKit server `scripts/livekit.sh install` builds (the pinned go install). */
export const LIVEKIT_SERVER_BIN = path.join(ROOT, '.tools', 'livekit', 'bin', 'server');

export interface LocalLiveKit {
  /** ws://127.0.0.1:<port>, what LIVEKIT_URL is set to. */
  url: string;
  apiKey: string;
  apiSecret: string;
  /** Everything the server printed, for a failing test's message. */
  output: () => string;
  stop: () => Promise<void>;
}

export interface LocalLiveKitOptions {
  /** Where the server posts its signed webhooks (the API's /webhooks/livekit); none when absent. */
  webhookUrl?: string;
  /** The signalling port, when the caller had to know it before the server starts (to configure the API). */
  port?: number;
  /** Seconds an empty room stays open when the room's own setting does not say (LiveKit's default is 20). */
  departureTimeoutSeconds?: number;
  /** The API key and secret, when the caller configured Meetflow with them before the server starts; fresh ones otherwise. */
  keys?: { apiKey: string; apiSecret: string };
}

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/**
 * A real LiveKit server of the test's own, loopback only, with fresh keys and one UDP port (ICE over a muxed
 * port), so test files running side by side never share rooms, webhooks or ports.
 */
export async function startLocalLiveKit(options: LocalLiveKitOptions = {}): Promise<LocalLiveKit> {
  if (!existsSync(LIVEKIT_SERVER_BIN)) throw new Error(`no LiveKit server at ${LIVEKIT_SERVER_BIN}: run bash scripts/livekit.sh install (npm test does)`);
  const port = options.port ?? (await freePort());
  const udpPort = await freeUdpPort();
  const { apiKey, apiSecret } = options.keys ?? { apiKey: `test${randomBytes(4).toString('hex')}`, apiSecret: randomBytes(32).toString('hex') };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'meetflow-livekit-'));
  const config = [
    `port: ${port}`,
    'bind_addresses: [127.0.0.1]',
    'rtc:',
    '  tcp_port: 0',
    `  udp_port: ${udpPort}`,
    '  use_external_ip: false',
    '  node_ip: 127.0.0.1',
    '  enable_loopback_candidate: true',
    '  ips:',
    '    includes: [127.0.0.1/32]',
    'keys:',
    `  ${apiKey}: ${apiSecret}`,
    ...(options.webhookUrl ? ['webhook:', `  api_key: ${apiKey}`, `  urls: [${options.webhookUrl}]`] : []),
    ...(options.departureTimeoutSeconds !== undefined ? ['room:', `  departure_timeout: ${options.departureTimeoutSeconds}`] : []),
    'logging:',
    '  level: warn',
  ].join('\n');
  writeFileSync(path.join(dir, 'livekit.yaml'), config);
  const child = startTracked('livekit-server', () => spawn(LIVEKIT_SERVER_BIN, ['--config', path.join(dir, 'livekit.yaml')], { stdio: ['ignore', 'pipe', 'pipe'] }));
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `ws://127.0.0.1:${port}`;
  await waitFor(`LiveKit on port ${port}`, async () => (await fetch(`http://127.0.0.1:${port}/`)).ok, 20_000).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${output}`);
  });
  return {
    url,
    apiKey,
    apiSecret,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null) return;
      // A test server holds nothing worth draining (SIGTERM makes LiveKit wait for its rooms to empty).
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Someone in a LiveKit room: a real WebRTC participant (@livekit/rtc-node), as a browser would be. */
export interface RoomGuest {
  room: Room;
  leave: () => Promise<void>;
}

/** Joins with a join token (from the API or the provider); call `disposeParticipants()` in afterAll. */
export async function joinAsParticipant(url: string, token: string): Promise<RoomGuest> {
  const room = new Room();
  await room.connect(url, token, { autoSubscribe: false, dynacast: false });
  return { room, leave: () => room.disconnect() };
}

/** Frees rtc-node's native side: without it the test process does not exit. */
export const disposeParticipants = () => disposeRtc();
