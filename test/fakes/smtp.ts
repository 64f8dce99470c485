import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerError } from 'smtp-server';

export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  /** The message exactly as the client sent it after DATA. */
  raw: string;
  parsed: ParsedMail;
  /** The user the session authenticated as, when it did. */
  user?: string;
}

export interface FakeSmtpOptions {
  /** Require AUTH (PLAIN/LOGIN, over plain TCP) with these credentials; without it, AUTH is not offered. */
  auth?: { user: string; pass: string };
  /** Recipients refused with a 550 on RCPT TO from the start. */
  rejectRecipients?: string[];
}

export interface FakeSmtp {
  /** `smtp://[user:pass@]127.0.0.1:<port>`, credentials percent-encoded. */
  url: string;
  port: number;
  /** Every message the server accepted, in order. */
  messages: ReceivedMail[];
  /** Answer RCPT TO for this address with `code` (550 unless told): 5xx is permanent, 4xx temporary. */
  rejectRecipient(address: string, code?: number): void;
  /** Holds the reply to every DATA this long (a slow relay); the message counts as received once answered. */
  delayReplies(ms: number): void;
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 (random port, no TLS) that keeps what it receives, parsed with mailparser. */
export async function startFakeSmtp(options: FakeSmtpOptions = {}): Promise<FakeSmtp> {
  const messages: ReceivedMail[] = [];
  const rejected = new Map<string, number>((options.rejectRecipients ?? []).map((address) => [address.toLowerCase(), 550]));
  const { auth } = options;
  let replyDelayMs = 0;

  const server = new SMTPServer({
    secure: false,
    disabledCommands: auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    allowInsecureAuth: true,
    authOptional: !auth,
    authMethods: ['PLAIN', 'LOGIN'],
    disableReverseLookup: true,
    logger: false,
    // A client pool that is left open must not hold close() for the default 30 s.
    closeTimeout: 500,
    onAuth(credentials, _session, callback) {
      if (auth && credentials.username === auth.user && credentials.password === auth.pass) {
        callback(null, { user: credentials.username });
      } else {
        callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
      }
    },
    onRcptTo(address, _session, callback) {
      const code = rejected.get(address.address.toLowerCase());
      if (code === undefined) return callback();
      const error: SMTPServerError =
        code >= 500
          ? new Error(`5.1.1 <${address.address}>: Recipient address rejected: User unknown`)
          : new Error(`4.2.1 <${address.address}>: Mailbox temporarily unavailable, try again later`);
      error.responseCode = code;
      callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (error) => callback(error));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then(async (parsed) => {
            if (replyDelayMs) await new Promise((resolve) => setTimeout(resolve, replyDelayMs));
            messages.push({
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((recipient) => recipient.address),
              },
              raw,
              parsed,
              user: typeof session.user === 'string' ? session.user : undefined,
            });
            callback();
          })
          .catch((error: Error) => callback(error));
      });
    },
  });
  server.on('error', () => undefined); // a client hanging up mid-session is not a test failure

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  const credentials = auth ? `${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass)}@` : '';

  return {
    url: `smtp://${credentials}127.0.0.1:${port}`,
    port,
    messages,
    rejectRecipient(address, code = 550) {
      rejected.set(address.toLowerCase(), code);
    },
    delayReplies(ms) {
      replyDelayMs = ms;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
