// RFC 5322 §3.4 address lists: mailboxes ("Name <local@domain>", "local@domain (Name)"), groups
// ("Team: a@x, b@y;"), and the obsolete syntax of §4.4 (routes "<@a,@b:local@domain>", white
// space and comments between tokens, missing commas handled loosely). Tolerant: garbage yields
// the best-effort addresses it contains, never an exception.
//
// Display names are returned as written after unquoting (RFC 5322 §3.2.4): encoded-words stay
// encoded, because IMAP ENVELOPE (RFC 9051 §7.5.2) passes them to the client as they are; call
// decodeEncodedWords for display.

import { unfold } from './header.ts';

export interface Address {
  /** Display name (phrase), unquoted, encoded-words not decoded; for a group, the group name. */
  name: string | null;
  /** Local part (unquoted), or null for a group. */
  mailbox: string | null;
  /** Domain, or null for a group or when the address has none. */
  host: string | null;
  /** RFC 5322 obs-route ("@a,@b"), or absent. */
  route?: string;
  /** Present for a group: its members (possibly none). */
  group?: Address[];
}

type Token =
  | { t: 'word'; v: string; quoted: boolean }
  | { t: 'comment'; v: string }
  | { t: 'literal'; v: string }
  | { t: 'sp' }
  | { t: '<' | '>' | '@' | ',' | ';' | ':' };

/** Bounds the work on hostile input: longer header values are cut (a sane header is far shorter). */
const maxInput = 64 * 1024;

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      if (out.length > 0 && out[out.length - 1]!.t !== 'sp') out.push({ t: 'sp' });
      i++;
    } else if (c === '"') {
      let v = '';
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < s.length) i++;
        v += s[i];
        i++;
      }
      i++;
      out.push({ t: 'word', v, quoted: true });
    } else if (c === '(') {
      let depth = 1;
      let v = '';
      i++;
      while (i < s.length && depth > 0) {
        const d = s[i]!;
        if (d === '\\' && i + 1 < s.length) {
          v += s[i + 1];
          i += 2;
          continue;
        }
        if (d === '(') depth++;
        else if (d === ')') depth--;
        if (depth > 0) v += d;
        i++;
      }
      out.push({ t: 'comment', v: v.trim() });
    } else if (c === '[') {
      const close = s.indexOf(']', i);
      const end = close < 0 ? s.length : close + 1;
      out.push({ t: 'literal', v: s.slice(i, end) });
      i = end;
    } else if (c === '<' || c === '>' || c === '@' || c === ',' || c === ';' || c === ':') {
      out.push({ t: c });
      i++;
    } else {
      let j = i;
      while (j < s.length && !' \t\r\n"(<>@,;:['.includes(s[j]!)) j++;
      if (j === i) j++; // a stray ")" or "]"
      out.push({ t: 'word', v: s.slice(i, j), quoted: false });
      i = j;
    }
  }
  return out;
}

/** Join the words of a phrase with single spaces (RFC 5322 §3.2.5, obs-phrase allows "."). */
function phrase(tokens: Token[]): string | null {
  const words: string[] = [];
  let glue = false;
  for (const t of tokens) {
    if (t.t === 'sp') glue = false;
    else if (t.t === 'word' || t.t === 'literal') {
      // Adjacent words without space between them ("John"."Q") stay joined.
      if (glue && words.length > 0) words[words.length - 1] += t.v;
      else words.push(t.v);
      glue = true;
    } else if (t.t === '@' || t.t === ':' || t.t === '>' || t.t === '<') {
      glue = false;
    }
  }
  const s = words.join(' ').trim();
  return s === '' ? null : s;
}

/** Text of an addr-spec's tokens, white space and comments dropped (RFC 5322 §4.4 CFWS around "."). */
function specText(tokens: Token[]): string {
  let s = '';
  for (const t of tokens) if (t.t === 'word' || t.t === 'literal') s += t.v;
  return s;
}

function lastComment(tokens: Token[]): string | null {
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i]!;
    if (t.t === 'comment' && t.v !== '') return t.v;
  }
  return null;
}

/** addr-spec = local-part "@" domain; the last "@" splits (a local part may be quoted with "@" inside). */
function addrSpec(tokens: Token[]): { mailbox: string | null; host: string | null; route?: string } {
  // RFC 5322 §4.4 obs-route: "@a,@b:" before the addr-spec.
  let route: string | undefined;
  const colon = tokens.findIndex((t) => t.t === ':');
  if (colon >= 0 && tokens.slice(0, colon).some((t) => t.t === '@')) {
    route = tokens.slice(0, colon).map((t) => ('v' in t ? t.v : t.t === 'sp' ? '' : t.t)).join('');
    tokens = tokens.slice(colon + 1);
  }
  let at = -1;
  for (let i = tokens.length - 1; i >= 0; i--) {
    if (tokens[i]!.t === '@') {
      at = i;
      break;
    }
  }
  const local = specText(at < 0 ? tokens : tokens.slice(0, at));
  const domain = at < 0 ? '' : specText(tokens.slice(at + 1));
  const r = { mailbox: local === '' ? null : local, host: domain === '' ? null : domain };
  return route ? { ...r, route } : r;
}

/** One mailbox from its tokens (no top-level comma inside). */
function mailbox(tokens: Token[]): Address | null {
  const open = tokens.findIndex((t) => t.t === '<');
  if (open >= 0) {
    let close = tokens.findIndex((t, i) => i > open && t.t === '>');
    if (close < 0) close = tokens.length;
    const spec = addrSpec(tokens.slice(open + 1, close));
    const name = phrase(tokens.slice(0, open)) ?? lastComment(tokens);
    if (spec.mailbox === null && spec.host === null && name === null) return null;
    return { name, ...spec };
  }
  if (!tokens.some((t) => t.t === 'word' || t.t === 'literal')) return null;
  const spec = addrSpec(tokens);
  // RFC 5322 §3.4 / §4.4: "local@domain (Name)" — an obsolete but common way to give the name.
  // A word list without "@" (e.g. `John Smith`) is kept as a mailbox without a host.
  return { name: lastComment(tokens), ...spec };
}

/** RFC 5322 §3.4 address-list, tolerant. */
export function parseAddressList(value: string): Address[] {
  const tokens = tokenize(unfold(value.length > maxInput ? value.slice(0, maxInput) : value));
  const out: Address[] = [];
  let group: Address | null = null;
  let cur: Token[] = [];
  let angle = 0;
  let curHasAt = false;
  const finish = (): void => {
    const a = mailbox(cur);
    cur = [];
    curHasAt = false;
    if (!a) return;
    if (group) group.group!.push(a);
    else out.push(a);
  };
  for (const t of tokens) {
    if (t.t === '<') angle++;
    else if (t.t === '>' && angle > 0) angle--;
    if (t.t === '@') curHasAt = true;
    if (angle > 0 && t.t !== '<') {
      cur.push(t);
      continue;
    }
    if (t.t === ',') finish();
    else if (t.t === ':' && !group && !curHasAt) {
      // RFC 5322 §3.4: group = display-name ":" [group-list] ";"
      group = { name: phrase(cur), mailbox: null, host: null, group: [] };
      out.push(group);
      cur = [];
      curHasAt = false;
    } else if (t.t === ';' && group) {
      finish();
      group = null;
    } else cur.push(t);
  }
  finish();
  return out;
}
