import { credentials } from '@grpc/grpc-js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { type Config, summarizerChoice } from '../config';
import { OllamaAnswerer, OpenAiCompatibleAnswerer } from './answerer/chat-models';
import { ClaudeAnswerer } from './answerer/claude';
import type { Answerer } from './answerer/types';
import { LogChatProvider } from './chat/log';
import { SlackChatProvider } from './chat/slack';
import type { ChatProvider } from './chat/types';
import { OutboxMailProvider } from './mail/outbox';
import { SmtpMailProvider } from './mail/smtp';
import type { MailProvider } from './mail/types';
import { ClaudeSummarizer } from './summarizer/claude';
import { LocalSummarizer } from './summarizer/local';
import { OllamaSummarizer } from './summarizer/ollama';
import { OpenAiCompatibleSummarizer } from './summarizer/openai-compatible';
import type { Summarizer } from './summarizer/types';
import { GoogleSpeechProvider } from './transcription/google';
import { LocalWhisperProvider } from './transcription/local';
import { SidecarTranscriptionProvider } from './transcription/sidecar';
import type { TranscriptionProvider } from './transcription/types';
import { LiveKitVideoProvider, type LiveKitOptions } from './video/livekit';
import { NoVideoProvider, type RecordingMode, type VideoProvider } from './video/types';
import { loadTemplatesFile, useCustomTemplates } from './summarizer/meeting-kinds';

export interface Providers {
  mail: MailProvider;
  chat: ChatProvider;
  transcription: TranscriptionProvider;
  summarizer: Summarizer;
  /** The embedded summarizer, for when the configured one keeps failing. */
  fallbackSummarizer: Summarizer;
  video: VideoProvider;
  /** Writes answers to questions across meetings; unset: answers are the quoted lines themselves. */
  answerer?: Answerer;
}

function googleSpeech(cfg: Config): GoogleSpeechProvider {
  if (!cfg.GOOGLE_SPEECH_ENDPOINT) return new GoogleSpeechProvider();
  const [host, port] = cfg.GOOGLE_SPEECH_ENDPOINT.split(':');
  return new GoogleSpeechProvider({ client: { apiEndpoint: host, port: Number(port), sslCreds: credentials.createInsecure(), universeDomain: 'googleapis.com' } });
}

const localWhisper = (cfg: Config, log: Logger) =>
  new LocalWhisperProvider({ modelDir: cfg.WHISPER_MODEL_DIR, python: cfg.WHISPER_PYTHON, beamSize: cfg.WHISPER_BEAM_SIZE, threads: cfg.WHISPER_THREADS, log: log.child({ provider: 'transcription' }) });

/** Local Whisper counts as installed when its model and its Python are where scripts/whisper.sh puts them. */
export function localWhisperInstalled(cfg: Config): boolean {
  return existsSync(path.join(cfg.WHISPER_MODEL_DIR, 'model.bin')) && existsSync(cfg.WHISPER_PYTHON);
}

/** TRANSCRIPTION_PROVIDER, or with `auto`: Google when configured, else local Whisper when installed, else sidecar. */
export function createTranscriptionProvider(cfg: Config, log: Logger): TranscriptionProvider {
  switch (cfg.TRANSCRIPTION_PROVIDER) {
    case 'google':
      return googleSpeech(cfg);
    case 'local':
      return localWhisper(cfg, log);
    case 'sidecar':
      return new SidecarTranscriptionProvider();
    default:
      if (cfg.GOOGLE_SPEECH_ENDPOINT || cfg.GOOGLE_APPLICATION_CREDENTIALS) return googleSpeech(cfg);
      return localWhisperInstalled(cfg) ? localWhisper(cfg, log) : new SidecarTranscriptionProvider();
  }
}

/** LiveKit when LIVEKIT_URL and its key and secret are set; otherwise meetings run without video rooms. */
export function createVideoProvider(cfg: Config, options: Partial<LiveKitOptions> = {}): VideoProvider {
  if (!cfg.LIVEKIT_URL || !cfg.LIVEKIT_API_KEY || !cfg.LIVEKIT_API_SECRET) return new NoVideoProvider();
  return new LiveKitVideoProvider({
    url: cfg.LIVEKIT_URL,
    apiKey: cfg.LIVEKIT_API_KEY,
    apiSecret: cfg.LIVEKIT_API_SECRET,
    recordingOutput: { kind: 'file', pathTemplate: `${cfg.RECORDING_OUTPUT.replace(/\/$/, '')}/{path}` },
    recordingMode: recordingMode(cfg.RECORDER, cfg.LIVEKIT_URL),
    ...options,
  });
}

/** `auto`: a LiveKit on this machine is the embedded one, which has no Egress: Meetflow records it itself. */
export function recordingMode(setting: Config['RECORDER'], livekitUrl: string): RecordingMode {
  if (setting !== 'auto') return setting;
  const host = new URL(livekitUrl).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\./.test(host) ? 'tracks' : 'egress';
}

function createSummarizer(cfg: Config, local: Summarizer): Summarizer {
  const choice = summarizerChoice(cfg);
  if (choice === 'claude' && cfg.ANTHROPIC_API_KEY) {
    return new ClaudeSummarizer({ apiKey: cfg.ANTHROPIC_API_KEY, model: cfg.ANTHROPIC_MODEL, baseURL: cfg.ANTHROPIC_BASE_URL, maxInputTokens: cfg.SUMMARY_MAX_INPUT_TOKENS });
  }
  if (choice === 'openai' && cfg.OPENAI_MODEL) {
    return new OpenAiCompatibleSummarizer({ baseURL: cfg.OPENAI_BASE_URL, apiKey: cfg.OPENAI_API_KEY, model: cfg.OPENAI_MODEL, maxInputTokens: cfg.SUMMARY_MAX_INPUT_TOKENS });
  }
  if (choice === 'ollama' && cfg.OLLAMA_MODEL) {
    return new OllamaSummarizer({ host: cfg.OLLAMA_HOST, model: cfg.OLLAMA_MODEL, maxInputTokens: cfg.SUMMARY_MAX_INPUT_TOKENS });
  }
  return local;
}

/**
 * Who writes answers to questions (unless ASK_ANSWERER is `extractive`): Claude when it has a key, else the
 * self-hosted model that summarizes (an OpenAI-compatible server or Ollama); otherwise answers are extractive.
 */
export function createAnswerer(cfg: Config): Answerer | undefined {
  if (cfg.ASK_ANSWERER === 'extractive') return undefined;
  if (cfg.ANTHROPIC_API_KEY) return new ClaudeAnswerer({ apiKey: cfg.ANTHROPIC_API_KEY, model: cfg.ANTHROPIC_MODEL, baseURL: cfg.ANTHROPIC_BASE_URL });
  const choice = summarizerChoice(cfg);
  if (choice === 'openai' && cfg.OPENAI_MODEL) return new OpenAiCompatibleAnswerer({ baseURL: cfg.OPENAI_BASE_URL, apiKey: cfg.OPENAI_API_KEY, model: cfg.OPENAI_MODEL });
  if (choice === 'ollama' && cfg.OLLAMA_MODEL) return new OllamaAnswerer({ host: cfg.OLLAMA_HOST, model: cfg.OLLAMA_MODEL });
  return undefined;
}

/** Chooses each provider from the environment; with no keys, every one is its embedded default. */
export function createProviders(cfg: Config, log: Logger): Providers {
  // Both the API (validating a meeting's kind) and the worker (summarizing) make providers at start: one place for both.
  if (cfg.MEETING_TEMPLATES_FILE) useCustomTemplates(loadTemplatesFile(cfg.MEETING_TEMPLATES_FILE));
  const fallbackSummarizer = new LocalSummarizer();
  return {
    mail: cfg.SMTP_URL ? new SmtpMailProvider({ url: cfg.SMTP_URL, from: cfg.MAIL_FROM }) : new OutboxMailProvider(path.join(cfg.DATA_DIR, 'outbox')),
    chat: cfg.SLACK_BOT_TOKEN ? new SlackChatProvider({ token: cfg.SLACK_BOT_TOKEN, apiUrl: cfg.SLACK_API_URL, log }) : new LogChatProvider(cfg.DATA_DIR, log.child({ provider: 'chat' })),
    transcription: createTranscriptionProvider(cfg, log),
    summarizer: createSummarizer(cfg, fallbackSummarizer),
    fallbackSummarizer,
    video: createVideoProvider(cfg),
    answerer: createAnswerer(cfg),
  };
}

export function describeProviders(providers: Providers): Record<Exclude<keyof Providers, 'fallbackSummarizer' | 'answerer'>, string> & { answerer: string } {
  return {
    mail: providers.mail.name,
    chat: providers.chat.name,
    transcription: providers.transcription.name,
    summarizer: providers.summarizer.name,
    video: providers.video.name,
    answerer: providers.answerer?.name ?? 'extractive',
  };
}
