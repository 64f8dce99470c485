import { readFileSync } from 'node:fs';
import type { Config } from './index';
import { ConfigError } from './index';

/** TLS as both Temporal connection kinds (the client's Connection, the worker's NativeConnection) take it. */
export interface TemporalTls {
  clientCertPair?: { crt: Buffer; key: Buffer };
  serverRootCACertificate?: Buffer;
  serverNameOverride?: string;
}

export interface TemporalConnectionSettings {
  address: string;
  tls?: TemporalTls | true;
  apiKey?: string;
}

function readPem(variable: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new ConfigError(`${variable}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/**
 * How every Meetflow process connects to Temporal: plain on the dev server; mTLS with TEMPORAL_TLS_CERT and
 * TEMPORAL_TLS_KEY; or Temporal Cloud's API key (TLS on, the system's CAs).
 */
export function temporalConnectionSettings(cfg: Config): TemporalConnectionSettings {
  const settings: TemporalConnectionSettings = { address: cfg.TEMPORAL_ADDRESS };
  if (Boolean(cfg.TEMPORAL_TLS_CERT) !== Boolean(cfg.TEMPORAL_TLS_KEY)) {
    throw new ConfigError('TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together: set both (mTLS) or neither');
  }
  const tls: TemporalTls = {
    ...(cfg.TEMPORAL_TLS_CERT && cfg.TEMPORAL_TLS_KEY ? { clientCertPair: { crt: readPem('TEMPORAL_TLS_CERT', cfg.TEMPORAL_TLS_CERT), key: readPem('TEMPORAL_TLS_KEY', cfg.TEMPORAL_TLS_KEY) } } : {}),
    ...(cfg.TEMPORAL_TLS_CA ? { serverRootCACertificate: readPem('TEMPORAL_TLS_CA', cfg.TEMPORAL_TLS_CA) } : {}),
    ...(cfg.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: cfg.TEMPORAL_TLS_SERVER_NAME } : {}),
  };
  if (Object.keys(tls).length) settings.tls = tls;
  if (cfg.TEMPORAL_API_KEY) {
    settings.apiKey = cfg.TEMPORAL_API_KEY;
    settings.tls ??= true;
  }
  return settings;
}
