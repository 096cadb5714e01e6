// Mailbox names on the wire (RFC 3501 §5.1.3 modified UTF-7 for IMAP4rev1 clients; UTF-8 for
// IMAP4rev2 and UTF8=ACCEPT sessions, RFC 9051 §5.1 and RFC 6855 §3). Names are stored as UTF-8.

/** Modified BASE64 of RFC 3501 §5.1.3: "," instead of "/", no padding. */
function b64(s: Buffer): string {
  return s.toString('base64').replace(/=+$/, '').replace(/\//g, ',');
}

export function encodeMutf7(name: string): string {
  let out = '';
  let run = '';
  const flush = () => {
    if (!run) return;
    const be = Buffer.alloc(run.length * 2);
    for (let i = 0; i < run.length; i++) be.writeUInt16BE(run.charCodeAt(i), i * 2);
    out += '&' + b64(be) + '-';
    run = '';
  };
  for (const ch of name) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x20 && c <= 0x7e) {
      flush();
      out += ch === '&' ? '&-' : ch;
    } else run += ch;
  }
  flush();
  return out;
}

/** Decodes modified UTF-7; returns undefined for invalid input (RFC 3501 §5.1.3). */
export function decodeMutf7(s: string): string | undefined {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const c = ch.charCodeAt(0);
    if (c > 0x7e) return undefined;
    if (ch !== '&') {
      out += ch;
      continue;
    }
    const end = s.indexOf('-', i + 1);
    if (end < 0) return undefined;
    const body = s.slice(i + 1, end);
    i = end;
    if (body === '') {
      out += '&';
      continue;
    }
    if (!/^[A-Za-z0-9+,]+$/.test(body)) return undefined;
    const bytes = Buffer.from(body.replace(/,/g, '/'), 'base64');
    if (bytes.length % 2 !== 0) return undefined;
    for (let j = 0; j < bytes.length; j += 2) out += String.fromCharCode(bytes.readUInt16BE(j));
  }
  return out;
}
