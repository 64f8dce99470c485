import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../config';
import { temporalConnectionSettings } from '../../config/temporal-connection';

const dir = mkdtempSync(path.join(os.tmpdir(), 'meetflow-tls-'));
const pem = (name: string, text: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};
const settings = (env: Record<string, string>) => temporalConnectionSettings(loadConfig({ TEMPORAL_ADDRESS: 'acme.a1b2c.tmprl.cloud:7233', ...env }));

test('the dev server: a plain connection', () => {
  expect(settings({})).toEqual({ address: 'acme.a1b2c.tmprl.cloud:7233' });
});

test('mTLS: the client certificate and key are read from their files, with the CA and server name when given', () => {
  const tls = settings({ TEMPORAL_TLS_CERT: pem('client.pem', 'CERT'), TEMPORAL_TLS_KEY: pem('client.key', 'KEY'), TEMPORAL_TLS_CA: pem('ca.pem', 'CA'), TEMPORAL_TLS_SERVER_NAME: 'temporal.internal' }).tls;
  expect(tls).toEqual({ clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') }, serverRootCACertificate: Buffer.from('CA'), serverNameOverride: 'temporal.internal' });
});

test('a Temporal Cloud API key turns TLS on with the system CAs', () => {
  expect(settings({ TEMPORAL_API_KEY: 'key-123' })).toEqual({ address: 'acme.a1b2c.tmprl.cloud:7233', apiKey: 'key-123', tls: true });
});

test('half an mTLS pair, or a file that is not there, is refused with what to fix', () => {
  expect(() => settings({ TEMPORAL_TLS_CERT: pem('only.pem', 'CERT') })).toThrow('TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together');
  expect(() => settings({ TEMPORAL_TLS_CERT: '/nope/client.pem', TEMPORAL_TLS_KEY: pem('k.key', 'KEY') })).toThrow('TEMPORAL_TLS_CERT: cannot read /nope/client.pem (ENOENT)');
});
