import { access, appendFile, constants, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { ChatMessage, ChatProvider, ChatRecipient } from './types';

interface LoggedMessage {
  key: string;
  messageId: string;
  to: string;
  text: string;
  at: string;
}

/**
 * The embedded chat default, until Slack is configured: every direct message is logged and appended to
 * `<dir>/chat.jsonl` (one line per message actually sent), which is where people and tests read them.
 */
export class LogChatProvider implements ChatProvider {
  readonly name = 'log';
  private readonly file: string;

  constructor(
    dir: string,
    private readonly log: Logger,
  ) {
    this.file = path.join(dir, 'chat.jsonl');
  }

  canReach(): boolean {
    return true;
  }

  /** The chat log's folder exists and is writable. */
  async check(): Promise<void> {
    const dir = path.dirname(this.file);
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  }

  async send(message: ChatMessage): Promise<{ messageId: string }> {
    const entry: LoggedMessage = {
      key: message.idempotencyKey,
      messageId: `log-${message.idempotencyKey}`,
      to: message.to.email,
      text: message.text,
      at: new Date().toISOString(),
    };
    await mkdir(path.dirname(this.file), { recursive: true });
    await appendFile(this.file, JSON.stringify(entry) + '\n');
    this.log.info({ to: entry.to, key: entry.key }, `DM to ${message.to.name}: ${message.text.split('\n')[0]}`);
    return { messageId: entry.messageId };
  }

  async findSent(idempotencyKey: string, _recipient: ChatRecipient): Promise<string | undefined> {
    return (await readChatLog(path.dirname(this.file))).find((entry) => entry.key === idempotencyKey)?.messageId;
  }
}

export async function readChatLog(dir: string): Promise<LoggedMessage[]> {
  const content = await readFile(path.join(dir, 'chat.jsonl'), 'utf8').catch(() => '');
  // Only whole lines: a reader may catch the writer in the middle of appending the last one.
  const complete = content.slice(0, content.lastIndexOf('\n') + 1);
  return complete
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LoggedMessage);
}
