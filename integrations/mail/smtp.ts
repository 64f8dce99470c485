import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { MailMessage, MailProvider } from './types';

/**
 * The server refused a recipient for good (a 5xx reply to RCPT TO): sending the same message again gets the
 * same answer, so the caller should not retry it.
 */
export class PermanentMailError extends Error {
  override readonly name = 'PermanentMailError';
  readonly nonRetryable = true;

  constructor(
    readonly address: string,
    /** The server's reply, e.g. `550 5.1.1 <bob@example.test>: user unknown`. */
    readonly response: string,
    readonly responseCode: number | undefined,
  ) {
    super(`SMTP server permanently rejected recipient ${address}: ${response}`);
  }
}

export interface SmtpMailOptions {
  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://user:pass@host:465` (implicit TLS). */
  url: string;
  /** The From header and envelope sender. */
  from?: string;
  /** Connections the pool keeps open at most. */
  maxConnections?: number;
  /** Upper bound for one send, queueing in the pool included. */
  sendTimeoutMs?: number;
}

export const DEFAULT_FROM = 'Meetflow <meetflow@localhost>';

/** A Message-ID is `<local@domain>`: keep the dot-atom characters, and add a hash when that changed the key. */
export function messageIdFor(idempotencyKey: string): string {
  const cleaned = idempotencyKey
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/\.{2,}/g, '_')
    .replace(/^\.|\.$/g, '_');
  // Two keys that clean up to the same text must not share a Message-ID, or receivers would drop one of them.
  const local = cleaned === idempotencyKey ? cleaned : `${cleaned}.${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 12)}`;
  return `<${local}@meetflow>`;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] as string);

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/g;

/** Escaped text with its http(s) links made clickable; trailing punctuation stays outside the link. */
function linkify(text: string): string {
  let html = '';
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = match[0].replace(/[.,;:!?)\]}]+$/, '');
    const start = match.index;
    html += escapeHtml(text.slice(last, start)) + `<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>`;
    last = start + url.length;
  }
  return html + escapeHtml(text.slice(last));
}

/** A plain HTML rendering of a text body: blank lines separate paragraphs, single newlines become line breaks. */
export function textToHtml(text: string): string {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean)
    .map((paragraph) => `<p>${paragraph.split('\n').map(linkify).join('<br>\n')}</p>`);
  return `<!DOCTYPE html>\n<html>\n<head><meta charset="utf-8"></head>\n<body>\n${paragraphs.join('\n')}\n</body>\n</html>\n`;
}

interface SmtpError extends Error {
  code?: string;
  command?: string;
  response?: string;
  responseCode?: number;
  recipient?: string;
  rejected?: string[];
  rejectedErrors?: SmtpError[];
}

const isPermanentCode = (code: number | undefined) => code !== undefined && code >= 500 && code !== 503; // 503: bad sequence, a session fault

/** The permanent rejection of `address` in a nodemailer error or send result, if that is what happened. */
function permanentRejection(address: string, failure: { rejected?: string[]; rejectedErrors?: SmtpError[] }, fallback?: SmtpError) {
  const wanted = address.toLowerCase();
  const rejectedHere = (failure.rejected ?? []).some((rejected) => rejected.toLowerCase() === wanted);
  const ownError = failure.rejectedErrors?.find((error) => error.recipient?.toLowerCase() === wanted);
  const error = ownError ?? fallback;
  if (!rejectedHere && !(error?.code === 'EENVELOPE' && error.command === 'RCPT TO')) return undefined;
  if (!isPermanentCode(error?.responseCode)) return undefined;
  return new PermanentMailError(address, error?.response ?? error?.message ?? 'recipient rejected', error?.responseCode);
}

/**
 * Mail over SMTP through a pool of nodemailer connections. Every message has a text and an HTML part (the HTML is
 * generated from the text when the message brings none) and, for invites, a text/calendar part. The Message-ID is
 * derived from the idempotency key, so a resend after a lost reply is recognisably the same message.
 */
export class SmtpMailProvider implements MailProvider {
  readonly name = 'smtp';
  private readonly transport: ReturnType<typeof createPool>;
  private readonly from: string;
  private readonly sendTimeoutMs: number;

  constructor(options: SmtpMailOptions) {
    this.from = options.from ?? DEFAULT_FROM;
    this.sendTimeoutMs = options.sendTimeoutMs ?? 60_000;
    this.transport = createPool(options);
  }

  /** The relay answers and accepts our credentials (nodemailer's verify: connect, EHLO, AUTH). */
  async check(): Promise<void> {
    await this.transport.verify();
  }

  async send(message: MailMessage): Promise<{ messageId: string }> {
    const address = message.to.email;
    const messageId = messageIdFor(message.idempotencyKey);
    const info = await this.transport
      .sendMail({
        from: this.from,
        to: message.to.name ? { name: message.to.name, address } : address,
        subject: message.subject,
        text: message.text,
        html: message.html ?? textToHtml(message.text),
        icalEvent: message.calendar ? { method: message.calendar.method, content: message.calendar.content } : undefined,
        messageId,
        headers: { 'X-Meetflow-Key': message.idempotencyKey },
        signal: message.signal ? AbortSignal.any([message.signal, AbortSignal.timeout(this.sendTimeoutMs)]) : AbortSignal.timeout(this.sendTimeoutMs),
      })
      .catch((caught: unknown) => {
        // Anything else (connection refused or dropped, timeouts, 4xx replies, failed AUTH) is left as it is: retryable.
        if (typeof caught !== 'object' || caught === null) throw caught;
        throw permanentRejection(address, caught as SmtpError, caught as SmtpError) ?? caught;
      });
    // With several recipients a server can refuse some and accept the rest: the send "succeeds" with a `rejected` list.
    if (info.rejected.some((rejected) => rejected.toLowerCase() === address.toLowerCase())) {
      const permanent = permanentRejection(address, info as { rejected?: string[]; rejectedErrors?: SmtpError[] });
      throw permanent ?? new Error(`SMTP server temporarily rejected recipient ${address}`);
    }
    return { messageId };
  }

  /** Closes the pool: idle connections at once, a connection in the middle of a delivery once it is done. */
  close(): void {
    this.transport.close();
  }
}

function createPool(options: SmtpMailOptions) {
  let protocol: string;
  try {
    protocol = new URL(options.url).protocol;
  } catch {
    throw new Error('SMTP_URL is not a valid URL (expected smtp://user:pass@host:port or smtps://...)');
  }
  if (protocol !== 'smtp:' && protocol !== 'smtps:') throw new Error(`SMTP_URL must start with smtp:// or smtps://, not ${protocol}//`);
  return nodemailer.createTransport({
    pool: true,
    // nodemailer reads host, port, secure (smtps:) and the percent-decoded user and password from the URL.
    url: options.url,
    maxConnections: options.maxConnections ?? 3,
    maxMessages: 100,
    // A connection dropped mid-send is retried once on a fresh connection; real retries belong to the caller.
    maxRequeues: 1,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
    dnsTimeout: 10_000,
    logger: false,
  });
}
