import path from 'node:path';
import { z } from 'zod';
import { MEETING_SETTING_DEFAULTS } from '../workflows/messages';

/**
 * Every setting Meetflow reads from the environment, read and validated once. The README's configuration
 * table lists the same variables with the same defaults.
 */
const port = z.coerce.number({ error: 'must be a port number (1-65535)' }).int().min(1).max(65535);
const url = (example: string) => z.url({ error: `must be a URL such as ${example}` });
const cron = (fallback: string) =>
  z
    .string()
    .regex(/^\S+( \S+){4}$/, { error: 'must be a 5-field cron expression (minute hour day-of-month month day-of-week), UTC' })
    .default(fallback);
const retentionDays = (fallback: number) => z.coerce.number().int().min(0).default(fallback);
const projectPath = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((dir) => path.resolve(__dirname, '..', dir));
const optional = z
  .string()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  DATABASE_URL: url('postgres://user:password@host:5432/meetflow').default('postgres://meetflow:meetflow@127.0.0.1:5432/meetflow'),
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('meetings'),
  TEMPORAL_UI_URL: url('http://localhost:8233').default('http://localhost:8233'),
  /** mTLS to Temporal (self-hosted with TLS, or Temporal Cloud): PEM files of the client certificate and its key. */
  TEMPORAL_TLS_CERT: optional,
  TEMPORAL_TLS_KEY: optional,
  /** PEM file of the CA that signed the server's certificate, when it is not a public one. */
  TEMPORAL_TLS_CA: optional,
  /** The name the server's certificate is checked against, when it differs from the address's host. */
  TEMPORAL_TLS_SERVER_NAME: optional,
  /** Temporal Cloud API key (instead of mTLS); turns TLS on. */
  TEMPORAL_API_KEY: optional,
  API_HOST: z.string().default('0.0.0.0'),
  API_PORT: port.default(3000),
  PUBLIC_URL: url('https://meetflow.example.com').default('http://localhost:3000'),
  /**
   * Reverse proxies in front of the API that append the client's address to X-Forwarded-For. 0 (the default):
   * the header is ignored, since any client can send it (it would bypass the per-IP limits and forge the IP in
   * sessions and the audit log); n: the n-th address from the right is the client's.
   */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  BOT_PORT: port.default(3001),
  /** The worker's Prometheus endpoint (Temporal SDK metrics: task latencies, slots, polls). 0 turns it off. */
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  /** Worker tuning (unset: the Temporal SDK's defaults); docs/deploy.md says when to change them. */
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).optional(),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(2).optional(),
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).optional(),
  /**
   * How long a cached meeting's next task waits for this worker before any worker may take it (the SDK's
   * default is 10 s). bench/burst: with 10 s, 633 of 1,000 meetings starting the same minute fell off the
   * sticky queue and went live up to 33-56 s late; with 60 s none did (p99 8.7 s). The cost: tasks of
   * meetings cached on a worker that crashed wait this long before another worker takes them.
   */
  WORKER_STICKY_QUEUE_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(60),
  /**
   * How long the API keeps a live session in memory (0: never; it reads every request's session). PostgreSQL tells
   * every API process when a session or a user changes (a logout, a revocation, a deactivation), so a change shows
   * within milliseconds; this bounds how long one could show if a notice were ever lost.
   */
  SESSION_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  /**
   * bcrypt's work factor for passwords (each step doubles the time: 12 is about 0.4 s of one core here). Older, cheaper
   * hashes still verify and are upgraded at the next sign-in. The tests use 4, as Rails' do: never in production.
   */
  PASSWORD_HASH_COST: z.coerce.number().int().min(4).max(15).default(12),
  /** On SIGTERM the worker stops taking tasks and gives running activities this long to finish. */
  WORKER_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).default(30),
  SLACK_SIGNING_SECRET: optional,
  SLACK_BOT_TOKEN: optional,
  SLACK_APP_TOKEN: optional,
  SLACK_API_URL: optional,
  /** Local state (outbox, chat log, recordings); relative paths are taken from the project folder. */
  DATA_DIR: projectPath('.data'),
  /** Who gets the brief in their reminder when a meeting does not say (settings.briefAudience): host or everyone. */
  BRIEF_AUDIENCE: z.enum(['host', 'everyone'], { error: 'must be host or everyone' }).default('host'),
  MEETING_REMINDER_MINUTES: z.coerce.number().int().min(0).default(MEETING_SETTING_DEFAULTS.reminderMinutesBefore),
  MEETING_NO_SHOW_GRACE_MINUTES: z.coerce.number().int().min(1).default(MEETING_SETTING_DEFAULTS.noShowGraceMinutes),
  MEETING_MAX_DURATION_MINUTES: z.coerce.number().int().min(1).default(MEETING_SETTING_DEFAULTS.maxDurationMinutes),
  RECORDING_GRACE_MINUTES: z.coerce.number().int().min(0).default(MEETING_SETTING_DEFAULTS.recordingGraceMinutes),
  /** Whether a meeting's host approves its recap before participants get it, when its settings do not say. */
  RECAP_APPROVAL_DEFAULT: z.enum(['on', 'off']).default('off'),
  /** With approval on: minutes after the draft reaches the host that the recap goes out anyway (0: never). */
  RECAP_AUTO_RELEASE_MINUTES: z.coerce.number().int().min(0).default(0),
  DEFAULT_TIME_ZONE: z.string().default('UTC'),
  SMTP_URL: optional,
  MAIL_FROM: z.string().default('Meetflow <meetflow@localhost>'),
  GOOGLE_APPLICATION_CREDENTIALS: optional,
  /** host:port of a Speech endpoint without TLS (an emulator or the test stand-in). */
  GOOGLE_SPEECH_ENDPOINT: optional,
  /**
   * Speech-to-text: auto = Google when its credentials or endpoint are set, else local Whisper when its model is
   * installed (scripts/whisper.sh), else sidecar transcripts.
   */
  TRANSCRIPTION_PROVIDER: z.enum(['auto', 'local', 'sidecar', 'google']).default('auto'),
  /** The local Whisper model (CTranslate2) and the Python that runs it; relative paths from the project folder. */
  WHISPER_MODEL_DIR: projectPath('.tools/whisper/model'),
  WHISPER_PYTHON: projectPath('.tools/whisper/venv/bin/python'),
  /**
   * Beam width of the local Whisper decoder. bench/transcription (10 min of espeak-ng speech, Whisper base int8,
   * 2 threads): greedy (1) saved 0-17% of the CPU time (0.217 vs 0.218 CPU s per audio s mixed, 0.136 vs 0.163 on
   * per-person tracks) at the same WER (7.8% vs 9.4% mixed, 3.2% vs 3.3% tracks). The saving is small, and beam
   * search is what Whisper's published accuracy on real, noisier speech uses: 5.
   */
  WHISPER_BEAM_SIZE: z.coerce.number().int().min(1).max(10).default(5),
  /** CPU threads of the transcriber process (one per worker). */
  WHISPER_THREADS: z.coerce.number().int().min(1).max(64).default(2),
  /** A JSON file of the organisation's own meeting kinds and their summary sections (see integrations/summarizer/meeting-kinds.ts). */
  MEETING_TEMPLATES_FILE: z.string().min(1).optional(),
  /** Largest recording accepted by POST /meetings/{id}/recordings. */
  UPLOAD_MAX_MB: z.coerce.number().int().min(1).default(500),
  /** auto: Claude when ANTHROPIC_API_KEY is set, else the OpenAI-compatible server when OPENAI_BASE_URL is, else Ollama when OLLAMA_MODEL is, else local. */
  SUMMARIZER_PROVIDER: z.enum(['auto', 'claude', 'openai', 'ollama', 'local'], { error: 'must be auto, claude, openai, ollama or local' }).default('auto'),
  ANTHROPIC_API_KEY: optional,
  ANTHROPIC_MODEL: z.string().default('claude-sonnet-4-6'),
  ANTHROPIC_BASE_URL: optional,
  /** Who writes answers to /ask and `/meet ask`: auto: Claude when ANTHROPIC_API_KEY is set, else the self-hosted model that summarizes (else extractive); extractive: always the quoted lines. */
  ASK_ANSWERER: z.enum(['auto', 'extractive'], { error: 'must be auto or extractive' }).default('auto'),
  /** An OpenAI-compatible chat completions server (vLLM, llama.cpp, LM Studio, Ollama's /v1); unset with SUMMARIZER_PROVIDER=openai: OpenAI's API. */
  OPENAI_BASE_URL: optional,
  /** Optional for local servers. */
  OPENAI_API_KEY: optional,
  OPENAI_MODEL: optional,
  /** Ollama's address, as the ollama CLI reads it (host:port or a URL). */
  OLLAMA_HOST: z.string().default('http://127.0.0.1:11434'),
  /** A model pulled on that Ollama, e.g. llama3.1:8b; setting it switches the Ollama summarizer on. */
  OLLAMA_MODEL: optional,
  SUMMARY_MAX_INPUT_TOKENS: z.coerce.number().int().min(1000).default(60_000),
  /** Attempts of the AI summarizer before the local one takes over (the meeting still completes). */
  SUMMARY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(5).default(4),
  LIVEKIT_URL: optional,
  LIVEKIT_API_KEY: optional,
  LIVEKIT_API_SECRET: optional,
  /**
   * How LiveKit rooms are recorded. `tracks`: Meetflow's own hidden participant writes each person's audio to
   * its own file under DATA_DIR/recordings (no Egress needed); `egress`: LiveKit Egress records the room to
   * RECORDING_OUTPUT; `off`: never. `auto`: tracks for a LiveKit on this machine (the embedded server has no
   * Egress), egress for any other.
   */
  RECORDER: z.enum(['auto', 'tracks', 'egress', 'off']).default('auto'),
  /** The embedded LiveKit server's signalling port (scripts/livekit.sh; npm start sets LIVEKIT_URL from it). */
  LIVEKIT_PORT: port.default(7880),
  /**
   * Recording consent (issue 17): `opt-out` records everyone who has not declined; `opt-in` records only those who
   * said yes (and no mixed Egress recording, which cannot leave anyone out).
   */
  RECORDING_CONSENT_DEFAULT: z.enum(['opt-out', 'opt-in'], { error: 'must be opt-out or opt-in' }).default('opt-out'),
  /** Where LiveKit egress writes audio recordings (a path on the egress host, or an s3:// / gs:// prefix). */
  RECORDING_OUTPUT: z.string().default('/recordings'),
  /** Read notifications older than this are deleted. */
  NOTIFICATION_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
  /** Recordings older than this are archived: the file is deleted and its reference dropped, the transcript kept. */
  RECORDING_RETENTION_DAYS: z.coerce.number().int().min(1).default(90),
  /** Transcripts older than this are emptied (text, segments, words); their summary stays. 0 keeps them. */
  TRANSCRIPT_RETENTION_DAYS: retentionDays(365),
  /** Summaries older than this are deleted with their action items and reports. 0 keeps them. */
  SUMMARY_RETENTION_DAYS: retentionDays(0),
  /** When each maintenance job runs (Temporal Schedules, UTC). */
  MAINTENANCE_EXPIRE_INVITATIONS_CRON: cron('0 3 * * *'),
  MAINTENANCE_CLEAN_SESSIONS_CRON: cron('10 3 * * *'),
  MAINTENANCE_CLEAN_NOTIFICATIONS_CRON: cron('20 3 * * 0'),
  MAINTENANCE_ARCHIVE_RECORDINGS_CRON: cron('30 3 1 * *'),
  MAINTENANCE_PURGE_TRANSCRIPTS_CRON: cron('40 3 * * *'),
  MAINTENANCE_DELETE_SUMMARIES_CRON: cron('50 3 * * *'),
});

export type Config = z.infer<typeof configSchema>;
export type RecordingConsentDefault = Config['RECORDING_CONSENT_DEFAULT'];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  const problems = parsed.success ? summarizerProblems(parsed.data) : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  if (!parsed.success || problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  return parsed.data;
}

export type SummarizerChoice = 'claude' | 'openai' | 'ollama' | 'local';

type SummarizerSettings = Pick<Config, 'SUMMARIZER_PROVIDER' | 'ANTHROPIC_API_KEY' | 'OPENAI_BASE_URL' | 'OPENAI_API_KEY' | 'OPENAI_MODEL' | 'OLLAMA_HOST' | 'OLLAMA_MODEL'>;

/** Which summarizer SUMMARIZER_PROVIDER selects (auto: Claude with a key, else an OpenAI-compatible server with a URL, else Ollama with a model, else local). */
export function summarizerChoice(cfg: SummarizerSettings): SummarizerChoice {
  if (cfg.SUMMARIZER_PROVIDER !== 'auto') return cfg.SUMMARIZER_PROVIDER;
  return cfg.ANTHROPIC_API_KEY ? 'claude' : cfg.OPENAI_BASE_URL ? 'openai' : cfg.OLLAMA_MODEL ? 'ollama' : 'local';
}

function summarizerProblems(cfg: SummarizerSettings): string[] {
  const choice = summarizerChoice(cfg);
  if (choice === 'claude' && !cfg.ANTHROPIC_API_KEY) return ['ANTHROPIC_API_KEY: required with SUMMARIZER_PROVIDER=claude'];
  if (choice === 'ollama') return ollamaProblems(cfg);
  if (choice !== 'openai') return [];
  const problems: string[] = [];
  if (!cfg.OPENAI_MODEL) problems.push('OPENAI_MODEL: required for the OpenAI-compatible summarizer: the model the server serves, e.g. llama3.1:8b on Ollama');
  if (cfg.OPENAI_BASE_URL && !URL.canParse(cfg.OPENAI_BASE_URL)) problems.push('OPENAI_BASE_URL: must be a URL such as http://127.0.0.1:11434/v1');
  if (!cfg.OPENAI_BASE_URL && !cfg.OPENAI_API_KEY) problems.push("OPENAI_API_KEY: required for OpenAI's API (or set OPENAI_BASE_URL to a local server)");
  return problems;
}

function ollamaProblems(cfg: SummarizerSettings): string[] {
  const problems: string[] = [];
  if (!cfg.OLLAMA_MODEL) problems.push('OLLAMA_MODEL: required for the Ollama summarizer: a model pulled on that server, e.g. llama3.1:8b');
  // The forms the ollama CLI accepts: a URL, host:port, or :port.
  const host = cfg.OLLAMA_HOST.startsWith(':') ? `127.0.0.1${cfg.OLLAMA_HOST}` : cfg.OLLAMA_HOST;
  if (!URL.canParse(host.includes('://') ? host : `http://${host}`)) problems.push('OLLAMA_HOST: must be a URL or host:port such as http://127.0.0.1:11434');
  return problems;
}

let cached: Config | undefined;

/** The configuration of this process (read on first use). */
export function config(): Config {
  cached ??= loadConfig();
  return cached;
}
