// SMTP replies (RFC 5321 §4.2): a three-digit code, an enhanced status code (RFC 2034, RFC 3463)
// on every 2xx/4xx/5xx reply except the greeting and the HELO/EHLO answer (RFC 2034 §3), and
// multi-line replies as "250-…" lines ending in one "250 …" line (RFC 5321 §4.2.1).

export interface Reply {
  code: number;
  /** "2.1.0" and the like; omitted for 220 greetings, EHLO/HELO answers and 3xx replies. */
  enhanced?: string;
  lines: string[];
}

export function reply(code: number, enhanced: string | undefined, ...lines: string[]): Reply {
  return { code, enhanced, lines: lines.length > 0 ? lines : [''] };
}

/** Replies must never carry CR or LF from client input into the stream. */
function clean(s: string): string {
  return s.replace(/[\r\n\0]/g, ' ');
}

export function formatReply(r: Reply): string {
  const prefix = r.enhanced ? `${r.enhanced} ` : '';
  return r.lines.map((l, i) => `${r.code}${i === r.lines.length - 1 ? ' ' : '-'}${prefix}${clean(l)}` + '\r\n').join('');
}

export const isErrorReply = (r: Reply): boolean => r.code >= 400;
