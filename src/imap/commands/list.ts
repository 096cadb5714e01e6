// RFC 9051 §6.3.9 LIST with RFC 5258 LIST-EXTENDED selection and return options, RFC 5819
// LIST-STATUS, RFC 6154 SPECIAL-USE and RFC 3348 CHILDREN attributes; RFC 3501 §6.3.9 LSUB.
import type { Mailbox } from '../../store/index.ts';
import { ParseError } from '../args.ts';
import type { ImapSession } from '../session.ts';
import { accountOf, decodeName, encodeName } from './common.ts';
import { parseStatusItems, statusData } from './status.ts';
import { authenticatedStates, defineCommand } from './types.ts';

interface ListArgs {
  lsub: boolean;
  select: Set<string>;
  ret: Set<string>;
  statusItems: string[] | null;
  reference: string;
  patterns: string[];
}

/** RFC 9051 §6.3.9: "*" matches everything, "%" everything but the hierarchy delimiter. */
export function patternToRegExp(pattern: string): RegExp {
  let re = '';
  for (const ch of pattern) {
    if (ch === '*') re += '.*';
    else if (ch === '%') re += '[^/]*';
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  // INBOX is matched case-insensitively (RFC 9051 §5.1).
  return new RegExp(`^${re}$`, 's');
}

function matches(name: string, re: RegExp): boolean {
  if (re.test(name)) return true;
  return name === 'INBOX' && re.test('inbox') ? true : name.startsWith('INBOX') && re.test(name.replace(/^INBOX/, 'inbox'));
}

function parseList(r: import('../args.ts').ArgReader, s: ImapSession, lsub: boolean): ListArgs {
  const a: ListArgs = { lsub, select: new Set(), ret: new Set(), statusItems: null, reference: '', patterns: [] };
  r.sp();
  if (!lsub && r.peekIs('(')) {
    for (const o of r.list(() => r.word())) a.select.add(o);
    for (const o of a.select) if (!['SUBSCRIBED', 'REMOTE', 'RECURSIVEMATCH', 'SPECIAL-USE'].includes(o)) throw new ParseError(`Unknown LIST selection option ${o}`);
    // RFC 5258 §3: RECURSIVEMATCH needs a selection option other than REMOTE.
    if (a.select.has('RECURSIVEMATCH') && [...a.select].every((o) => o === 'RECURSIVEMATCH' || o === 'REMOTE')) throw new ParseError('RECURSIVEMATCH needs another selection option');
    r.sp();
  }
  a.reference = r.astring();
  r.sp();
  const pat = () => (s.utf8 ? r.listMailbox() : decodeName(r.listMailbox(), s));
  if (!lsub && r.peekIs('(')) a.patterns = r.list(pat);
  else a.patterns = [pat()];
  if (!lsub && r.eat(' ')) {
    if (!r.keyword('RETURN')) throw new ParseError('Expected RETURN');
    r.sp();
    r.list(() => {
      const w = r.word();
      if (w === 'STATUS') {
        r.sp();
        a.statusItems = parseStatusItems(r);
      } else if (!['SUBSCRIBED', 'CHILDREN', 'SPECIAL-USE', 'MYRIGHTS'].includes(w)) throw new ParseError(`Unknown LIST return option ${w}`);
      a.ret.add(w);
      return w;
    });
  }
  return a;
}

async function runList(s: ImapSession, tag: string, a: ListArgs): Promise<void> {
  const account = accountOf(s);
  const cmd = a.lsub ? 'LSUB' : 'LIST';
  if (a.patterns.length === 1 && a.patterns[0] === '' && a.select.size === 0) {
    // RFC 9051 §6.3.9: an empty pattern asks for the delimiter and root.
    s.untagged(`${cmd} (\\Noselect) "/" ""`);
    s.tagged(tag, 'OK', `${cmd} completed`);
    return;
  }
  const boxes = await s.ctx.store.listMailboxes(account.id);
  const byName = new Map(boxes.map((b) => [b.name, b]));
  const hasChildren = (n: string) => boxes.some((b) => b.name.startsWith(n + '/'));
  const res = a.patterns.map((p) => patternToRegExp(a.reference && !p.startsWith('/') ? a.reference + p : p));
  const subscribedOnly = a.lsub || a.select.has('SUBSCRIBED');
  const specialOnly = a.select.has('SPECIAL-USE');
  // Subscriptions are names (RFC 9051 §6.3.9): they may outlive their mailbox (DELETE, RENAME).
  const subs = subscribedOnly || a.ret.has('SUBSCRIBED') ? new Set(await s.ctx.store.listSubscriptions(account.id)) : new Set<string>();
  const hasSubscribedChild = (n: string) => [...subs].some((c) => c.startsWith(n + '/'));
  // RFC 5258 §3.1: with SUBSCRIBED the names listed are the subscribed ones (and, for LSUB's
  // \Noselect and RECURSIVEMATCH, their parents); otherwise the existing mailboxes.
  let names: string[] = boxes.map((b) => b.name);
  if (subscribedOnly) {
    const all = new Set(names);
    for (const n of subs) {
      all.add(n);
      for (let i = n.indexOf('/'); i > 0; i = n.indexOf('/', i + 1)) all.add(n.slice(0, i));
    }
    names = [...all].sort();
  }
  const out: { mb: Mailbox | null; name: string; attrs: string[]; childInfo: boolean }[] = [];
  for (const name of names) {
    if (!res.some((re) => matches(name, re))) continue;
    const mb = byName.get(name) ?? null;
    if (subscribedOnly && !subs.has(name)) {
      // RFC 3501 §6.3.9: LSUB shows a "%"-matched parent of subscribed mailboxes as \Noselect;
      // RFC 5258 §3.5: RECURSIVEMATCH returns it with CHILDINFO.
      if (hasSubscribedChild(name) && a.lsub && !a.patterns.some((p) => p.endsWith('*'))) out.push({ mb, name, attrs: ['\\Noselect'], childInfo: false });
      else if (a.select.has('RECURSIVEMATCH') && [...subs].some((c) => c.startsWith(name + '/') && !res.some((re) => matches(c, re)))) {
        // Only when the subscribed descendant is not itself returned (RFC 5258 §3.5).
        const attrs = mb ? (a.ret.has('CHILDREN') ? ['\\HasChildren'] : []) : ['\\NonExistent'];
        out.push({ mb, name, attrs, childInfo: true });
      }
      continue;
    }
    if (specialOnly && !mb?.specialUse) continue;
    const attrs: string[] = [];
    if (!a.lsub) {
      if (mb) attrs.push(hasChildren(name) ? '\\HasChildren' : '\\HasNoChildren');
      if (subs.has(name) && (subscribedOnly || a.ret.has('SUBSCRIBED'))) attrs.push('\\Subscribed');
      // RFC 5258 §3.1, RFC 9051 §7.3.1: a subscribed name without a mailbox is \NonExistent (implying \Noselect).
      if (!mb) attrs.push('\\NonExistent');
      if (mb?.specialUse) attrs.push(mb.specialUse);
    }
    // RFC 5258 §3.5: CHILDINFO also for a matching mailbox that has subscribed children.
    const childInfo = a.select.has('RECURSIVEMATCH') && hasSubscribedChild(name);
    out.push({ mb, name, attrs, childInfo });
  }
  for (const o of out) {
    let line = `${cmd} (${o.attrs.join(' ')}) "/" ${encodeName(o.name, s)}`;
    if (o.childInfo) line += ' (CHILDINFO ("SUBSCRIBED"))';
    s.untagged(line);
    if (a.statusItems && o.mb) {
      // RFC 5819 §2: STATUS follows the LIST response of each selectable mailbox.
      s.untagged(`STATUS ${encodeName(o.name, s)} ${await statusData(s, o.mb, a.statusItems)}`);
    }
  }
  s.tagged(tag, 'OK', `${cmd} completed`);
}

export const list = defineCommand({
  name: 'LIST',
  states: authenticatedStates,
  parse: (r, s) => parseList(r, s, false),
  run: runList,
});

export const lsub = defineCommand({
  name: 'LSUB',
  states: authenticatedStates,
  parse: (r, s) => parseList(r, s, true),
  run: runList,
});
