import { access, constants, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { MailMessage, MailProvider } from './types';

const FROM = { name: 'Meetflow', address: 'meetflow@localhost' };

const fileName = (idempotencyKey: string) => `${idempotencyKey.replace(/[^a-zA-Z0-9._-]+/g, '_')}.eml`;

/**
 * The embedded mail default: nodemailer renders the real MIME message (calendar part included) and it is
 * written to `<dir>/<key>.eml`. One file per key, so a retried send rewrites the same message, never adds one.
 */
export class OutboxMailProvider implements MailProvider {
  readonly name = 'outbox';
  private readonly transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  constructor(private readonly dir: string) {}

  /** The outbox folder exists and is writable. */
  async check(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await access(this.dir, constants.W_OK);
  }

  async send(message: MailMessage): Promise<{ messageId: string }> {
    const messageId = `<${fileName(message.idempotencyKey).replace(/\.eml$/, '')}@meetflow.local>`;
    const info = await this.transport.sendMail({
      from: FROM,
      to: message.to.name ? { name: message.to.name, address: message.to.email } : message.to.email,
      subject: message.subject,
      text: message.text,
      html: message.html,
      icalEvent: message.calendar ? { method: message.calendar.method, content: message.calendar.content } : undefined,
      messageId,
      headers: { 'X-Meetflow-Key': message.idempotencyKey },
    });
    await mkdir(this.dir, { recursive: true });
    await writeFile(path.join(this.dir, fileName(message.idempotencyKey)), info.message as Buffer);
    return { messageId };
  }

  async findSent(idempotencyKey: string): Promise<string | undefined> {
    const content = await readFile(path.join(this.dir, fileName(idempotencyKey)), 'utf8').catch(() => undefined);
    return content?.match(/^Message-ID: (.+)$/im)?.[1]?.trim();
  }
}
