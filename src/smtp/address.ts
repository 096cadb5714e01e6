// Reverse-path and forward-path parsing (RFC 5321 §4.1.2, RFC 6531 §3.3 for UTF-8), strict where
// strictness keeps mail from being misrouted. Pure: a string in, a typed result out.
//
// Security: the classic relay tricks are refused, never "helpfully" rewritten, because every MTA
// that rewrites them differently is a way through a relay check (Postfix's allow_percent_hack,
// swap_bangpath, resolve_dequoted_address exist for this reason). In a forward path (RCPT):
// "%" (user%other.example@local), "!" (bang paths), source routes (@a,@b:user@c), quoted local
// parts holding "@" or other routing characters, IP literals, and any character whose
// compatibility form (NFKC) is a routing character (fullwidth "＠", "％", "！"). Everywhere:
// whitespace or controls inside the path, trailing or doubled dots, labels that are not LDH.
import { domainToASCII } from 'node:url';

export interface Mailbox {
  /** Local part as it travels: unquoted when it is a dot-string, else quoted. */
  local: string;
  /** Domain in lower-case A-label form, or an address literal "[192.0.2.1]". */
  domain: string;
  /** local@domain. */
  address: string;
  /** True when the local part or the original domain has non-ASCII characters (needs SMTPUTF8). */
  utf8: boolean;
}

export type PathRole = 'mail' | 'rcpt';

export type PathResult =
  | { ok: true; mailbox: Mailbox | null; /** RCPT TO:<Postmaster> without a domain (RFC 5321 §4.1.1.3) */ postmaster: boolean; rest: string }
  | { ok: false; code: 501 | 553; enhanced: string; text: string };

const ATEXT = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]$/;
/** Characters that route mail when an MTA reinterprets a local part. */
const ROUTING = /[@%!:,[\]<>"\\;]/;
const MAX_LOCAL = 64; // RFC 5321 §4.5.3.1.1
const MAX_DOMAIN = 255; // RFC 5321 §4.5.3.1.2
const MAX_PATH = 256; // RFC 5321 §4.5.3.1.3

const syntax = (role: PathRole, text: string): PathResult => ({ ok: false, code: 501, enhanced: role === 'mail' ? '5.1.7' : '5.1.3', text });
const refused = (role: PathRole, text: string): PathResult => ({ ok: false, code: 553, enhanced: role === 'mail' ? '5.1.7' : '5.1.3', text });

function isAtext(ch: string, utf8: boolean): boolean {
  if (ATEXT.test(ch)) return true;
  return utf8 && ch.codePointAt(0)! > 0x7f; // RFC 6531 §3.3: atext =/ UTF8-non-ascii
}

/** True when a character is a control, a space of any kind, or NFKC-folds to a routing character. */
function isLookalike(ch: string): boolean {
  const cp = ch.codePointAt(0)!;
  if (cp <= 0x7f) return false;
  if (/[\p{Cc}\p{Cf}\p{Z}]/u.test(ch)) return true;
  const folded = ch.normalize('NFKC');
  return ROUTING.test(folded) || /[.\s]/.test(folded);
}

/** RFC 5321 §4.1.2 Dot-string: atoms separated by single dots. */
function isDotString(s: string, utf8: boolean): boolean {
  if (s.length === 0) return false;
  return s.split('.').every((atom) => atom.length > 0 && [...atom].every((c) => isAtext(c, utf8)));
}

/** An LDH domain in A-label form, no trailing dot (RFC 5321 §4.1.2 Domain, RFC 5890). */
function isLdhDomain(d: string): boolean {
  if (d.length === 0 || d.length > MAX_DOMAIN) return false;
  return d.split('.').every((l) => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i.test(l));
}

function parseAddressLiteral(lit: string): string | undefined {
  // RFC 5321 §4.1.3: IPv4 dotted quad, "IPv6:" address, or General-address-literal (not accepted).
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(lit);
  if (v4) return v4.slice(1).every((o) => Number(o) <= 255 && !/^0\d/.test(o)) ? lit : undefined;
  const v6 = /^IPv6:([0-9a-fA-F:.]+)$/i.exec(lit);
  if (v6) {
    try {
      return new URL(`http://[${v6[1]}]/`).hostname.length > 2 ? `IPv6:${v6[1]!.toLowerCase()}` : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Parses "<path>" at the start of `input` (after "FROM:" / "TO:"). `rest` is what follows ">" (the
 * parameters). `smtputf8` is whether the client asked for SMTPUTF8 in this transaction.
 */
export function parsePath(input: string, role: PathRole, smtputf8: boolean): PathResult {
  if (!input.startsWith('<')) return syntax(role, `Syntax: ${role === 'mail' ? 'MAIL FROM' : 'RCPT TO'}:<address>`);
  if (input.startsWith('<>')) {
    if (role === 'rcpt') return syntax(role, 'An empty forward-path is not allowed');
    return { ok: true, mailbox: null, postmaster: false, rest: input.slice(2) };
  }
  let i = 1;
  // Source route (A-d-l ":"), RFC 5321 §4.1.2; §3.3 lets a server ignore it in a reverse path.
  if (input[i] === '@') {
    const colon = input.indexOf(':', i);
    const route = colon < 0 ? '' : input.slice(i, colon);
    if (colon < 0 || !route.split(',').every((hop) => hop.startsWith('@') && isLdhDomain(hop.slice(1).toLowerCase()))) {
      return syntax(role, 'Bad source route syntax');
    }
    if (role === 'rcpt') return refused(role, 'Source routes are not accepted');
    i = colon + 1;
  }
  // Local part: Quoted-string or Dot-string.
  let local: string;
  let quoted = false;
  if (input[i] === '"') {
    quoted = true;
    let j = i + 1;
    let value = '';
    for (;;) {
      const ch = String.fromCodePoint(input.codePointAt(j) ?? 0);
      if (j >= input.length) return syntax(role, 'Unterminated quoted local part');
      if (ch === '"') break;
      if (ch === '\\') {
        const next = input[j + 1];
        // RFC 5321 §4.1.2 quoted-pairSMTP = %d92 %d32-126
        if (next === undefined || next.charCodeAt(0) < 32 || next.charCodeAt(0) > 126) return syntax(role, 'Bad quoted-pair in local part');
        value += next;
        j += 2;
        continue;
      }
      const cp = ch.codePointAt(0)!;
      // qtextSMTP = %d32-33 / %d35-91 / %d93-126, plus UTF8-non-ascii with SMTPUTF8
      if (cp < 32 || cp === 127 || (cp > 127 && isLookalike(ch))) return syntax(role, 'Bad character in quoted local part');
      value += ch;
      j += ch.length;
    }
    i = j + 1;
    local = value;
  } else {
    let j = i;
    while (j < input.length && input[j] !== '@' && input[j] !== '>') j++;
    local = input.slice(i, j);
    i = j;
  }
  if (input[i] !== '@') {
    if (role === 'rcpt' && !quoted && local.toLowerCase() === 'postmaster' && input[i] === '>') {
      return { ok: true, mailbox: null, postmaster: true, rest: input.slice(i + 1) };
    }
    return syntax(role, 'Address has no domain');
  }
  const utf8Local = /[^\x00-\x7f]/.test(local);
  for (const ch of local) if (isLookalike(ch)) return refused(role, `Local part has a character that looks like a routing character (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`);
  if (quoted) {
    if (role === 'rcpt' && ROUTING.test(local)) return refused(role, 'Quoted local parts with routing characters are not accepted');
    if (local.length === 0) return syntax(role, 'Empty local part');
  } else if (!isDotString(local, true)) {
    return syntax(role, 'Bad local part syntax');
  }
  if (role === 'rcpt' && /[%!]/.test(local)) return refused(role, 'Percent-hack and bang-path addresses are not accepted');
  // Canonical form: a quoted string that is a valid dot-string is the same mailbox unquoted.
  const localOut = quoted && !isDotString(local, true) ? `"${local.replace(/(["\\])/g, '\\$1')}"` : local;
  if (Buffer.byteLength(localOut) > MAX_LOCAL) return syntax(role, 'Local part too long');

  // Domain.
  const close = input.indexOf('>', i + 1);
  if (close < 0) return syntax(role, 'Missing ">"');
  const rawDomain = input.slice(i + 1, close);
  let domain: string;
  let utf8Domain = false;
  if (rawDomain.startsWith('[')) {
    if (!rawDomain.endsWith(']')) return syntax(role, 'Bad address literal');
    const lit = parseAddressLiteral(rawDomain.slice(1, -1));
    if (lit === undefined) return syntax(role, 'Bad address literal');
    if (role === 'rcpt') return refused(role, 'Address literals are not accepted as recipients');
    domain = `[${lit}]`;
  } else {
    if (rawDomain.length === 0) return syntax(role, 'Empty domain');
    if (/[^\x21-\x7e]/.test(rawDomain)) {
      for (const ch of rawDomain) {
        if (ch.codePointAt(0)! <= 0x7f) {
          if (!/[a-z0-9.-]/i.test(ch)) return syntax(role, 'Bad domain syntax');
        } else if (/[\p{Cc}\p{Cf}\p{Z}]/u.test(ch) || /[@%!:,[\]<>"\\;\s/]/.test(ch.normalize('NFKC'))) {
          return refused(role, 'Domain has a character that looks like a routing character');
        }
      }
      utf8Domain = true;
    }
    // Trailing dots, empty labels and anything outside LDH are refused before any IDNA mapping.
    if (rawDomain.endsWith('.') || rawDomain.startsWith('.') || rawDomain.includes('..')) return syntax(role, 'Bad domain syntax');
    const ascii = utf8Domain ? domainToASCII(rawDomain) : rawDomain.toLowerCase();
    // RFC 5890: the A-label form must itself be an LDH domain without a trailing dot
    // (domainToASCII maps U+3002 and friends to "." — that must not create a new label boundary).
    if (!isLdhDomain(ascii) || (utf8Domain && ascii.split('.').length !== rawDomain.split(/[.\u3002\uff0e\uff61]/).length)) return syntax(role, 'Bad domain syntax');
    if (utf8Domain && [...rawDomain].some((c) => c !== '.' && /[.\u3002\uff0e\uff61]/.test(c))) return syntax(role, 'Bad domain syntax');
    domain = ascii.toLowerCase();
  }
  const address = `${localOut}@${domain}`;
  if (Buffer.byteLength(address) + 2 > MAX_PATH) return syntax(role, 'Path too long');
  const utf8 = utf8Local || utf8Domain;
  // RFC 6531 §3.5: non-ASCII addresses only in a transaction that asked for SMTPUTF8.
  if (utf8 && !smtputf8) return { ok: false, code: 553, enhanced: '5.6.7', text: 'Non-ASCII address without SMTPUTF8' };
  return { ok: true, mailbox: { local: localOut, domain, address, utf8 }, postmaster: false, rest: input.slice(close + 1) };
}
