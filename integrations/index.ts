import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { LogChatProvider } from './chat/log';
import type { ChatProvider } from './chat/types';
import { OutboxMailProvider } from './mail/outbox';
import type { MailProvider } from './mail/types';
import { LocalSummarizer } from './summarizer/local';
import type { Summarizer } from './summarizer/types';
import { SidecarTranscriptionProvider } from './transcription/sidecar';
import type { TranscriptionProvider } from './transcription/types';
import { NoVideoProvider, type VideoProvider } from './video/types';

export interface Providers {
  mail: MailProvider;
  chat: ChatProvider;
  transcription: TranscriptionProvider;
  summarizer: Summarizer;
  video: VideoProvider;
}

/** Chooses each provider from the environment; with no keys, every one is its embedded default. */
export function createProviders(cfg: Config, log: Logger): Providers {
  const dataDir = path.resolve(cfg.DATA_DIR);
  return {
    mail: new OutboxMailProvider(path.join(dataDir, 'outbox')),
    chat: new LogChatProvider(dataDir, log.child({ provider: 'chat' })),
    transcription: new SidecarTranscriptionProvider(),
    summarizer: new LocalSummarizer(),
    video: new NoVideoProvider(),
  };
}

export function describeProviders(providers: Providers): Record<keyof Providers, string> {
  return {
    mail: providers.mail.name,
    chat: providers.chat.name,
    transcription: providers.transcription.name,
    summarizer: providers.summarizer.name,
    video: providers.video.name,
  };
}
