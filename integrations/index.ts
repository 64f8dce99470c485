import { credentials } from '@grpc/grpc-js';
import path from 'node:path';
import type { Logger } from 'pino';
import { type Config, summarizerChoice } from '../config';
import { LogChatProvider } from './chat/log';
import { SlackChatProvider } from './chat/slack';
import type { ChatProvider } from './chat/types';
import { OutboxMailProvider } from './mail/outbox';
import { SmtpMailProvider } from './mail/smtp';
import type { MailProvider } from './mail/types';
import { ClaudeSummarizer } from './summarizer/claude';
import { LocalSummarizer } from './summarizer/local';
import { OpenAiCompatibleSummarizer } from './summarizer/openai-compatible';
import type { Summarizer } from './summarizer/types';
import { GoogleSpeechProvider } from './transcription/google';
import { SidecarTranscriptionProvider } from './transcription/sidecar';
import type { TranscriptionProvider } from './transcription/types';
import { LiveKitVideoProvider } from './video/livekit';
import { NoVideoProvider, type VideoProvider } from './video/types';

export interface Providers {
  mail: MailProvider;
  chat: ChatProvider;
  transcription: TranscriptionProvider;
  summarizer: Summarizer;
  /** The embedded summarizer, for when the configured one keeps failing. */
  fallbackSummarizer: Summarizer;
  video: VideoProvider;
}

function transcription(cfg: Config): TranscriptionProvider {
  if (cfg.GOOGLE_SPEECH_ENDPOINT) {
    const [host, port] = cfg.GOOGLE_SPEECH_ENDPOINT.split(':');
    return new GoogleSpeechProvider({ client: { apiEndpoint: host, port: Number(port), sslCreds: credentials.createInsecure(), universeDomain: 'googleapis.com' } });
  }
  if (cfg.GOOGLE_APPLICATION_CREDENTIALS) return new GoogleSpeechProvider();
  return new SidecarTranscriptionProvider();
}

/** LiveKit when LIVEKIT_URL and its key and secret are set; otherwise meetings run without video rooms. */
export function createVideoProvider(cfg: Config): VideoProvider {
  if (!cfg.LIVEKIT_URL || !cfg.LIVEKIT_API_KEY || !cfg.LIVEKIT_API_SECRET) return new NoVideoProvider();
  return new LiveKitVideoProvider({
    url: cfg.LIVEKIT_URL,
    apiKey: cfg.LIVEKIT_API_KEY,
    apiSecret: cfg.LIVEKIT_API_SECRET,
    recordingOutput: { kind: 'file', pathTemplate: `${cfg.RECORDING_OUTPUT.replace(/\/$/, '')}/{path}` },
  });
}

function createSummarizer(cfg: Config, local: Summarizer): Summarizer {
  const choice = summarizerChoice(cfg);
  if (choice === 'claude' && cfg.ANTHROPIC_API_KEY) {
    return new ClaudeSummarizer({ apiKey: cfg.ANTHROPIC_API_KEY, model: cfg.ANTHROPIC_MODEL, baseURL: cfg.ANTHROPIC_BASE_URL, maxInputTokens: cfg.SUMMARY_MAX_INPUT_TOKENS });
  }
  if (choice === 'openai' && cfg.OPENAI_MODEL) {
    return new OpenAiCompatibleSummarizer({ baseURL: cfg.OPENAI_BASE_URL, apiKey: cfg.OPENAI_API_KEY, model: cfg.OPENAI_MODEL, maxInputTokens: cfg.SUMMARY_MAX_INPUT_TOKENS });
  }
  return local;
}

/** Chooses each provider from the environment; with no keys, every one is its embedded default. */
export function createProviders(cfg: Config, log: Logger): Providers {
  const fallbackSummarizer = new LocalSummarizer();
  return {
    mail: cfg.SMTP_URL ? new SmtpMailProvider({ url: cfg.SMTP_URL, from: cfg.MAIL_FROM }) : new OutboxMailProvider(path.join(cfg.DATA_DIR, 'outbox')),
    chat: cfg.SLACK_BOT_TOKEN ? new SlackChatProvider({ token: cfg.SLACK_BOT_TOKEN, apiUrl: cfg.SLACK_API_URL, log }) : new LogChatProvider(cfg.DATA_DIR, log.child({ provider: 'chat' })),
    transcription: transcription(cfg),
    summarizer: createSummarizer(cfg, fallbackSummarizer),
    fallbackSummarizer,
    video: createVideoProvider(cfg),
  };
}

export function describeProviders(providers: Providers): Record<Exclude<keyof Providers, 'fallbackSummarizer'>, string> {
  return {
    mail: providers.mail.name,
    chat: providers.chat.name,
    transcription: providers.transcription.name,
    summarizer: providers.summarizer.name,
    video: providers.video.name,
  };
}
