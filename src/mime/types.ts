// The MIME structure tree (RFC 2045 §5-§6, RFC 2046 §5) as recorded once per message and stored as
// JSON in the messages table: plain objects only, every offset absolute within the whole message.

/** RFC 2045 §5.1. type, subtype and parameter names lower-cased; parameter values decoded (RFC 2231). */
export interface ContentType { type: string; subtype: string; params: Record<string, string> }

/**
 * One header field. `name` as written; `value` is everything after the colon with leading white
 * space and the final line break removed, folding (CRLF + WSP) kept as in the source. Bytes are
 * decoded as UTF-8 (RFC 6532) when valid, otherwise as latin1, field by field.
 */
export interface HeaderField { name: string; value: string }

export interface MimePart {
  /** Offset of this part's first header byte in the whole message. */
  start: number;
  /** Offset of the first body byte (just past the blank line after the header). */
  bodyStart: number;
  /** One past the last body byte; the CRLF before a boundary belongs to the boundary (RFC 2046 §5.1.1). */
  end: number;
  /** Lines in the body: line feeds in [bodyStart, end) (a last line without one is not counted, as in Dovecot). */
  bodyLines: number;
  headers: HeaderField[];
  /** Default text/plain; charset=us-ascii (RFC 2045 §5.2), or message/rfc822 inside multipart/digest (RFC 2046 §5.1.5). */
  contentType: ContentType;
  /** Content-Transfer-Encoding lower-cased, default "7bit" (RFC 2045 §6.1). */
  encoding: string;
  id: string | null;
  description: string | null;
  md5: string | null;
  location: string | null;
  /** RFC 2183; value lower-cased. */
  disposition: { value: string; params: Record<string, string> } | null;
  /** RFC 3282 Content-Language tags. */
  language: string[] | null;
  /** multipart/*: the body parts found (possibly none). */
  children: MimePart[];
  /** message/rfc822 and message/global (in an identity encoding): the encapsulated message's root part. */
  message: MimePart | null;
}

/** Hard limits of one parse; beyond them the parser stops descending and treats the rest as opaque. */
export interface MimeLimits {
  /** Deepest nesting of multiparts and encapsulated messages; the root is depth 0. */
  maxDepth: number;
  /** Most parts in one message, the root and encapsulated message roots included. */
  maxParts: number;
  /** Largest header kept for one part; the rest of a longer header is skipped. */
  maxHeaderBytes: number;
  /** Largest sum of kept headers over all parts; later parts keep no header (and so default types). */
  maxTotalHeaderBytes: number;
}

/**
 * A ceiling on maxDepth whatever the configuration: consumers walk the tree recursively
 * (JSON.stringify, BODYSTRUCTURE), which must not exhaust the stack.
 */
export const maxMimeDepth = 256;

/** Safe defaults: generous for real mail, bounded for hostile mail. */
export const defaultMimeLimits: Readonly<MimeLimits> = Object.freeze({
  maxDepth: 32,
  maxParts: 2000,
  maxHeaderBytes: 256 * 1024,
  maxTotalHeaderBytes: 4 * 1024 * 1024,
});

/** The `[mime]` config table (src/config/mime.ts) as parser limits. */
export function mimeLimitsFromConfig(c: { max_depth: number; max_parts: number; max_header_bytes: number; max_total_header_bytes: number }): MimeLimits {
  return { maxDepth: c.max_depth, maxParts: c.max_parts, maxHeaderBytes: c.max_header_bytes, maxTotalHeaderBytes: c.max_total_header_bytes };
}
