// RFC 5256 SORT and THREAD (ORDEREDSUBJECT and REFERENCES): base subject extraction (§2.1),
// sort keys (§3) and the threading algorithms (§4). Pure functions over message facts.
import { decodeEncodedWords, parseAddressList } from '../mime/index.ts';
import type { MimePart } from '../mime/index.ts';

/** What sorting and threading need to know about one message. */
export interface SortFacts {
  seq: number;
  uid: number;
  size: number;
  arrival: number;
  /** The Date header as a time, or the arrival time when absent or unparseable (§2.2). */
  sent: number;
  subject: string;
  /** RFC 5256 §2.1: the subject marked the message as a reply or forward ("Re:", "Fwd:", "(fwd)"). */
  isReplyOrForward: boolean;
  from: string;
  to: string;
  cc: string;
  messageId: string | null;
  references: string[];
}

/** RFC 5256 §2.1 base subject. Comparisons use i;ascii-casemap, so the result is upper-cased ASCII-wise. */
export function baseSubject(raw: string): string {
  return extractSubject(raw).base;
}

/** The base subject and whether extracting it removed a reply/forward marker (RFC 5256 §2.1, §4 (5)(C)). */
export function extractSubject(raw: string): { base: string; isReplyOrForward: boolean } {
  let isReplyOrForward = false;
  let s = decodeEncodedWords(raw).replace(/[\t\r\n]+/g, ' ').replace(/ {2,}/g, ' ');
  for (;;) {
    // (2) remove trailing "(fwd)" and white space.
    let prev: string;
    do {
      prev = s;
      s = s.replace(/\s+$/, '');
      const t = s.replace(/\(fwd\)$/i, '');
      if (t !== s) isReplyOrForward = true;
      s = t;
    } while (s !== prev);
    // (3)-(5) remove leading "Re:", "Fw:", "Fwd:" with optional [blob], and leading [blob]s.
    do {
      prev = s;
      s = s.replace(/^\s+/, '');
      const t = s.replace(/^(re|fwd?)\s*(\[[^[\]]*\]\s*)?:/i, '');
      if (t !== s) isReplyOrForward = true;
      s = t;
      const blob = /^\[[^[\]]*\]\s*/.exec(s);
      if (blob && s.length > blob[0].length) s = s.slice(blob[0].length);
    } while (s !== prev);
    // (6) "[fwd: ...]" wrapper.
    const m = /^\[fwd:(.*)\]$/i.exec(s);
    if (!m) break;
    isReplyOrForward = true;
    s = m[1]!;
  }
  return { base: s.replace(/[a-z]/g, (c) => c.toUpperCase()), isReplyOrForward };
}

function firstMailbox(value: string | undefined): string {
  if (!value) return '';
  const list = parseAddressList(value);
  // A group's name stands in for a mailbox (it is what ENVELOPE shows first), as Dovecot does.
  const a = list[0];
  return (a?.mailbox ?? a?.name ?? '').toUpperCase();
}

const msgIdRe = /<[^<>\s]+>/g;

/** Collects the facts of one message from its MIME root. */
export function factsOf(root: MimePart, m: { seq: number; uid: number; size: number; arrival: number }): SortFacts {
  const h = (name: string) => root.headers.find((x) => x.name.toLowerCase() === name)?.value;
  const date = Date.parse((h('date') ?? '').replace(/\([^)]*\)/g, '').trim());
  const refs = (h('references') ?? '').match(msgIdRe) ?? [];
  const irt = (h('in-reply-to') ?? '').match(msgIdRe) ?? [];
  const mid = (h('message-id') ?? '').match(msgIdRe)?.[0] ?? null;
  const subject = extractSubject(h('subject') ?? '');
  return {
    ...m,
    sent: Number.isNaN(date) ? m.arrival : date,
    subject: subject.base,
    isReplyOrForward: subject.isReplyOrForward,
    from: firstMailbox(h('from')),
    to: firstMailbox(h('to')),
    cc: firstMailbox(h('cc')),
    messageId: mid,
    references: refs.length > 0 ? refs : irt.slice(0, 1),
  };
}

export const sortKeys = ['ARRIVAL', 'CC', 'DATE', 'FROM', 'SIZE', 'SUBJECT', 'TO'] as const;
export type SortCriterion = { key: (typeof sortKeys)[number]; reverse: boolean };

function cmp(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortMessages(msgs: SortFacts[], criteria: SortCriterion[]): SortFacts[] {
  return [...msgs].sort((x, y) => {
    for (const c of criteria) {
      let r = 0;
      switch (c.key) {
        case 'ARRIVAL': r = cmp(x.arrival, y.arrival); break;
        case 'DATE': r = cmp(x.sent, y.sent); break;
        case 'SIZE': r = cmp(x.size, y.size); break;
        case 'SUBJECT': r = cmp(x.subject, y.subject); break;
        case 'FROM': r = cmp(x.from, y.from); break;
        case 'TO': r = cmp(x.to, y.to); break;
        case 'CC': r = cmp(x.cc, y.cc); break;
      }
      if (r !== 0) return c.reverse ? -r : r;
    }
    // RFC 5256 §3: ties are broken by sequence number.
    return x.seq - y.seq;
  });
}

/** A thread tree node; `msg` is null for a dummy (a referenced message that is not here). */
interface Node { msg: SortFacts | null; children: Node[]; parent: Node | null }

function formatThread(nodes: Node[], num: (m: SortFacts) => number): string {
  const one = (n: Node): string => {
    // A chain of single children is written flat: (1 2 3); branching opens sub-lists.
    const parts: string[] = [];
    let cur: Node | undefined = n;
    while (cur) {
      if (cur.msg) parts.push(String(num(cur.msg)));
      if (cur.children.length === 1) cur = cur.children[0];
      else {
        if (cur.children.length > 1) parts.push(cur.children.map((c) => `(${one(c)})`).join(''));
        cur = undefined;
      }
    }
    return parts.join(' ');
  };
  return nodes.map((n) => `(${one(n)})`).join('');
}

/** RFC 5256 §4 (4): a thread sorts by the sent date of its first message (a dummy: its first child). */
function earliest(n: Node): number {
  if (n.msg) return n.msg.sent;
  return Math.min(...n.children.map(earliest));
}

function sortTree(nodes: Node[]): void {
  nodes.sort((a, b) => earliest(a) - earliest(b) || firstSeq(a) - firstSeq(b));
  for (const n of nodes) sortTree(n.children);
}

function firstSeq(n: Node): number {
  if (n.msg) return n.msg.seq;
  return Math.min(...n.children.map(firstSeq));
}
void firstSeq;

/** RFC 5256 §4 ORDEREDSUBJECT. */
export function threadOrderedSubject(msgs: SortFacts[], num: (m: SortFacts) => number): string {
  const groups = new Map<string, SortFacts[]>();
  for (const m of sortMessages(msgs, [{ key: 'SUBJECT', reverse: false }, { key: 'DATE', reverse: false }])) {
    const g = groups.get(m.subject);
    if (g) g.push(m);
    else groups.set(m.subject, [m]);
  }
  const roots: Node[] = [...groups.values()].map((g) => {
    const root: Node = { msg: g[0]!, children: [], parent: null };
    root.children = g.slice(1).map((m) => ({ msg: m, children: [], parent: root }));
    return root;
  });
  roots.sort((a, b) => a.msg!.sent - b.msg!.sent || a.msg!.seq - b.msg!.seq);
  return formatThread(roots, num);
}

/** RFC 5256 §4 REFERENCES (the algorithm of Jamie Zawinski, as specified there). */
export function threadReferences(msgs: SortFacts[], num: (m: SortFacts) => number): string {
  const table = new Map<string, Node>();
  const node = (id: string): Node => {
    let n = table.get(id);
    if (!n) table.set(id, (n = { msg: null, children: [], parent: null }));
    return n;
  };
  const isAncestor = (a: Node, b: Node): boolean => {
    for (let p: Node | null = b; p; p = p.parent) if (p === a) return true;
    return false;
  };
  const link = (parent: Node, child: Node) => {
    if (child.parent === parent || isAncestor(child, parent)) return;
    if (child.parent) child.parent.children = child.parent.children.filter((c) => c !== child);
    child.parent = parent;
    parent.children.push(child);
  };
  let unique = 0;
  for (const m of msgs) {
    // (1A) a message without (or with a duplicate) Message-ID gets a unique one.
    let id = m.messageId;
    if (!id || table.get(id)?.msg) id = `<postern-unique-${unique++}>`;
    const n = node(id);
    n.msg = m;
    // (1B) link the references in order, (1C) the last one is the parent.
    let prev: Node | null = null;
    for (const r of m.references) {
      const rn = node(r);
      if (prev && !rn.parent && rn !== prev) link(prev, rn);
      prev = rn;
    }
    // (1C) an existing parent link of this message is broken first; the new one is made
    // unless it would make the message its own ancestor.
    if (n.parent) {
      n.parent.children = n.parent.children.filter((c) => c !== n);
      n.parent = null;
    }
    if (prev && prev !== n) link(prev, n);
  }
  // (2) the root set.
  let roots = [...table.values()].filter((n) => !n.parent);
  // (3) prune dummies: drop empty leaves, promote children of dummies (at the root only one).
  const prune = (list: Node[], atRoot: boolean): Node[] => {
    const out: Node[] = [];
    for (const n of list) {
      n.children = prune(n.children, false);
      if (n.msg) out.push(n);
      else if (n.children.length === 0) continue;
      else if (!atRoot || n.children.length === 1) {
        for (const c of n.children) c.parent = n.parent;
        out.push(...n.children);
      } else out.push(n);
    }
    return out;
  };
  roots = prune(roots, true);
  // (5) group root threads by base subject.
  const subjectOf = (n: Node): string => (n.msg ?? n.children[0]?.msg)?.subject ?? '';
  // RFC 5256 §4 (5)(C): "reply or forward" is what the subject says (§2.1), not the references.
  const isReply = (n: Node) => n.msg?.isReplyOrForward ?? false;
  const bySubject = new Map<string, Node>();
  const merged: Node[] = [];
  for (const r of roots) {
    const subj = subjectOf(r);
    if (!subj) {
      merged.push(r);
      continue;
    }
    const other = bySubject.get(subj);
    if (!other) {
      bySubject.set(subj, r);
      merged.push(r);
      continue;
    }
    if (!other.msg && !r.msg) {
      for (const c of r.children) link(other, c);
    } else if (!other.msg) link(other, r);
    else if (!r.msg) {
      link(r, other);
      merged[merged.indexOf(other)] = r;
      bySubject.set(subj, r);
    } else if (isReply(r) && !isReply(other)) link(other, r);
    else if (isReply(other) && !isReply(r)) {
      link(r, other);
      merged[merged.indexOf(other)] = r;
      bySubject.set(subj, r);
    } else {
      const dummy: Node = { msg: null, children: [], parent: null };
      merged[merged.indexOf(other)] = dummy;
      other.parent = null;
      link(dummy, other);
      link(dummy, r);
      bySubject.set(subj, dummy);
    }
  }
  for (const n of merged) n.parent = null;
  sortTree(merged);
  return formatThread(merged, num);
}
