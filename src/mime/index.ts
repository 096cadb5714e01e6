// src/mime: the MIME structure of a message with byte offsets (RFC 5322, RFC 2045-2047, RFC 2231,
// RFC 6532), recorded once at delivery so IMAP can answer BODYSTRUCTURE, ENVELOPE and partial
// fetches by reading only the bytes it needs. Parsers here take bytes and do no I/O.

export type { ContentType, HeaderField, MimePart, MimeLimits } from './types.ts';
export { defaultMimeLimits, maxMimeDepth, mimeLimitsFromConfig } from './types.ts';
export { MimeParser, parseMime } from './parser.ts';
export { findPart, headerValues } from './find-part.ts';
export { decodeEncodedWords } from './encoded-words.ts';
export type { Address } from './address.ts';
export { parseAddressList } from './address.ts';
export type { Envelope } from './envelope.ts';
export { envelopeOf } from './envelope.ts';
export { createBodyDecoder, knownEncodings } from './body-decoder.ts';
export { decodeCharset, decodeHeaderBytes } from './charset.ts';
export { parseHeaderFields, unfold } from './header.ts';
