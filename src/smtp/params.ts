// MAIL and RCPT parameters (RFC 5321 §4.1.2 Mail-parameters / Rcpt-parameters) and the
// extensions that define them: SIZE (RFC 1870), BODY (RFC 6152, RFC 3030), SMTPUTF8 (RFC 6531),
// RET/ENVID/NOTIFY/ORCPT (RFC 3461), AUTH (RFC 4954 §5), REQUIRETLS (RFC 8689). Pure functions.

export interface MailParams {
  size: number | null;
  body: '7BIT' | '8BITMIME' | 'BINARYMIME' | null;
  smtputf8: boolean;
  ret: 'FULL' | 'HDRS' | null;
  /** RFC 3461 §4.4 ENVID, still xtext-encoded as it will be relayed. */
  envid: string | null;
  /** RFC 4954 §5 AUTH=, decoded; recorded, trusted only from authenticated clients. */
  auth: string | null;
  requireTls: boolean;
}

export interface RcptParams {
  /** RFC 3461 §4.1: ["NEVER"] or a subset of SUCCESS, FAILURE, DELAY. */
  notify: string[] | null;
  /** RFC 3461 §4.2: "addr-type;xtext", as received (addr-type upper-cased). */
  orcpt: string | null;
}

export type ParamError = { code: 501 | 552 | 555; enhanced: string; text: string };
export type ParamResult<T> = { ok: true; params: T } | { ok: false; error: ParamError };

const bad = (text: string): ParamResult<never> => ({ ok: false, error: { code: 501, enhanced: '5.5.4', text } });
const unknown = (name: string): ParamResult<never> => ({ ok: false, error: { code: 555, enhanced: '5.5.4', text: `Unsupported parameter "${name}"` } });

/** Splits " KEY=value KEY2" into pairs (RFC 5321 §4.1.2 esmtp-param), keywords upper-cased. */
export function splitParams(rest: string): { ok: true; pairs: [string, string | null][] } | { ok: false; error: ParamError } {
  const pairs: [string, string | null][] = [];
  const trimmed = rest.replace(/^ +/, '').replace(/ +$/, '');
  if (rest.length > 0 && !rest.startsWith(' ')) return { ok: false, error: { code: 501, enhanced: '5.5.4', text: 'Expected a space after the address' } };
  if (trimmed === '') return { ok: true, pairs };
  const seen = new Set<string>();
  for (const p of trimmed.split(/ +/)) {
    const eq = p.indexOf('=');
    const name = (eq < 0 ? p : p.slice(0, eq)).toUpperCase();
    const value = eq < 0 ? null : p.slice(eq + 1);
    // esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
    if (!/^[A-Z0-9][A-Z0-9-]*$/.test(name)) return { ok: false, error: { code: 501, enhanced: '5.5.4', text: `Bad parameter syntax "${p.slice(0, 40)}"` } };
    // esmtp-value = 1*(%d33-60 / %d62-126 / UTF8-non-ascii)
    if (value !== null && (value.length === 0 || /[\x00-\x20=\x7f]/.test(value))) return { ok: false, error: { code: 501, enhanced: '5.5.4', text: `Bad value for parameter "${name}"` } };
    if (seen.has(name)) return { ok: false, error: { code: 501, enhanced: '5.5.4', text: `Parameter "${name}" given twice` } };
    seen.add(name);
    pairs.push([name, value]);
  }
  return { ok: true, pairs };
}

/** RFC 3461 §4: xtext = *( xchar / hexchar ), hexchar = "+" 2HEXDIG (upper case). */
export function isXtext(s: string): boolean {
  return /^(?:[\x21-\x2a\x2c-\x3c\x3e-\x7e]|\+[0-9A-F]{2})*$/.test(s);
}

export function decodeXtext(s: string): string {
  return s.replace(/\+([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

export function parseMailParams(rest: string, opts: { maxMessageBytes: number }): ParamResult<MailParams> {
  const split = splitParams(rest);
  if (!split.ok) return split;
  const p: MailParams = { size: null, body: null, smtputf8: false, ret: null, envid: null, auth: null, requireTls: false };
  for (const [name, value] of split.pairs) {
    switch (name) {
      case 'SIZE': // RFC 1870 §6
        if (value === null || !/^\d{1,20}$/.test(value)) return bad('SIZE needs a number of octets');
        p.size = Number(value);
        if (p.size > opts.maxMessageBytes) return { ok: false, error: { code: 552, enhanced: '5.3.4', text: `Message size exceeds fixed maximum message size (${opts.maxMessageBytes})` } };
        break;
      case 'BODY': { // RFC 6152 §2, RFC 3030 §3
        const v = value?.toUpperCase();
        if (v !== '7BIT' && v !== '8BITMIME' && v !== 'BINARYMIME') return bad('BODY must be 7BIT, 8BITMIME or BINARYMIME');
        p.body = v;
        break;
      }
      case 'SMTPUTF8': // RFC 6531 §3.4: no value
        if (value !== null) return bad('SMTPUTF8 takes no value');
        p.smtputf8 = true;
        break;
      case 'RET': { // RFC 3461 §4.3
        const v = value?.toUpperCase();
        if (v !== 'FULL' && v !== 'HDRS') return bad('RET must be FULL or HDRS');
        p.ret = v;
        break;
      }
      case 'ENVID': // RFC 3461 §4.4: xtext, at most 100 characters
        if (value === null || !isXtext(value) || value.length > 100) return bad('ENVID must be xtext of at most 100 characters');
        p.envid = value;
        break;
      case 'AUTH': // RFC 4954 §5: AUTH=<> or AUTH=xtext(mailbox)
        if (value === null || !isXtext(value)) return bad('AUTH= must be xtext or <>');
        p.auth = value === '<>' ? '' : decodeXtext(value);
        break;
      case 'REQUIRETLS': // RFC 8689 §4: no value
        if (value !== null) return bad('REQUIRETLS takes no value');
        p.requireTls = true;
        break;
      default:
        return unknown(name);
    }
  }
  return { ok: true, params: p };
}

export function parseRcptParams(rest: string): ParamResult<RcptParams> {
  const split = splitParams(rest);
  if (!split.ok) return split;
  const p: RcptParams = { notify: null, orcpt: null };
  for (const [name, value] of split.pairs) {
    switch (name) {
      case 'NOTIFY': { // RFC 3461 §4.1
        if (value === null) return bad('NOTIFY needs a value');
        const items = value.toUpperCase().split(',');
        const allowed = new Set(['SUCCESS', 'FAILURE', 'DELAY']);
        const isNever = items.length === 1 && items[0] === 'NEVER';
        if (!isNever && (!items.every((i) => allowed.has(i)) || new Set(items).size !== items.length)) {
          return bad('NOTIFY must be NEVER or a list of SUCCESS, FAILURE, DELAY');
        }
        p.notify = items;
        break;
      }
      case 'ORCPT': { // RFC 3461 §4.2: addr-type ";" xtext, at most 500 characters
        const m = value === null ? null : /^([A-Za-z0-9][A-Za-z0-9-]*);(.+)$/.exec(value);
        if (!m || value!.length > 500 || !isXtext(m[2]!)) return bad('ORCPT must be addr-type;xtext');
        p.orcpt = `${m[1]!.toLowerCase() === 'rfc822' ? 'rfc822' : m[1]!.toUpperCase()};${m[2]}`;
        break;
      }
      default:
        return unknown(name);
    }
  }
  return { ok: true, params: p };
}
