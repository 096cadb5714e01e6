// SMTP session state as a discriminated union (CONVENTIONS.md §4): a transaction cannot exist
// without a greeting, a BDAT transfer cannot exist without its spooled message.
import type { InboundMessage, InboundRecipient } from '../pipeline/index.ts';
import type { Mailbox } from './address.ts';
import type { MailParams } from './params.ts';

export interface Helo {
  /** The HELO/EHLO argument. */
  name: string;
  /** EHLO (true) or HELO (false). */
  esmtp: boolean;
}

export interface Transaction {
  /** Reverse-path; null for "<>". */
  sender: Mailbox | null;
  params: MailParams;
  recipients: InboundRecipient[];
}

export type SessionState =
  /** Connected, greeted, no HELO/EHLO yet (also after STARTTLS, RFC 3207 §4.2). */
  | { kind: 'initial' }
  /** After HELO/EHLO, no transaction. */
  | { kind: 'ready'; helo: Helo }
  /** After MAIL FROM (RFC 5321 §3.3). */
  | { kind: 'mail'; helo: Helo; tx: Transaction }
  /** Between BDAT chunks (RFC 3030 §2): the message is being spooled. */
  | { kind: 'bdat'; helo: Helo; tx: Transaction; message: InboundMessage; received: number; overflow: boolean };

export type StateKind = SessionState['kind'];
export type StateOf<K extends StateKind> = Extract<SessionState, { kind: K }>;
