// src/imap: the IMAP4rev2 (RFC 9051) / IMAP4rev1 (RFC 3501) server and its extensions.
export { createImapHandler } from './handler.ts';
