// RFC 5256 SORT / UID SORT and THREAD / UID THREAD (ORDEREDSUBJECT, REFERENCES).
import type { ArgReader } from '../args.ts';
import { ParseError } from '../args.ts';
import { ImapNo } from '../errors.ts';
import { MessageSource } from '../message-source.ts';
import type { SearchKey } from '../search.ts';
import { parseSearchKey } from '../search.ts';
import type { ImapSession } from '../session.ts';
import { factsOf, sortKeys, sortMessages, threadOrderedSubject, threadReferences, type SortCriterion, type SortFacts } from '../sort-thread.ts';
import { evaluate } from './search.ts';
import { syncSelected, viewOf } from './common.ts';
import { defineCommand, selectedState } from './types.ts';

function parseCharsetAndKeys(r: ArgReader): SearchKey {
  r.sp();
  const cs = r.astring().toUpperCase();
  if (cs !== 'UTF-8' && cs !== 'US-ASCII') throw new ImapNo(`Unsupported charset ${cs}`, 'BADCHARSET (UTF-8 US-ASCII)');
  const keys: SearchKey[] = [];
  while (r.eat(' ')) keys.push(parseSearchKey(r));
  if (keys.length === 0) throw new ParseError('Missing search criteria');
  return keys.length === 1 ? keys[0]! : { k: 'and', keys };
}

async function collect(s: ImapSession, key: SearchKey): Promise<SortFacts[]> {
  const view = viewOf(s);
  const { uids } = await evaluate(s, key);
  const out: SortFacts[] = [];
  for (let i = 0; i < uids.length; i += 200) {
    for (const msg of await s.ctx.store.getMessagesByUid(view.mailbox.id, uids.slice(i, i + 200))) {
      const root = await new MessageSource(s.ctx, msg, s.structures, s.messageCache).structure();
      out.push(factsOf(root, { seq: view.seqOf(msg.uid), uid: msg.uid, size: msg.size, arrival: msg.internalDate.getTime() }));
    }
  }
  return out;
}

function makeSort(uid: boolean) {
  return defineCommand({
    name: uid ? 'UID SORT' : 'SORT',
    states: selectedState,
    parse(r) {
      r.sp();
      const criteria: SortCriterion[] = [];
      let reverse = false;
      r.list(() => {
        const w = r.word();
        if (w === 'REVERSE') {
          reverse = true;
          return w;
        }
        if (!(sortKeys as readonly string[]).includes(w)) throw new ParseError(`Unknown sort key ${w}`);
        criteria.push({ key: w as SortCriterion['key'], reverse });
        reverse = false;
        return w;
      });
      if (criteria.length === 0 || reverse) throw new ParseError('Invalid sort criteria');
      return { criteria, key: parseCharsetAndKeys(r) };
    },
    async run(s, tag, a) {
      const sorted = sortMessages(await collect(s, a.key), a.criteria);
      s.untagged(`SORT${sorted.map((m) => ' ' + (uid ? m.uid : m.seq)).join('')}`);
      await syncSelected(s, uid);
      s.tagged(tag, 'OK', `${uid ? 'UID SORT' : 'SORT'} completed`);
    },
  });
}

function makeThread(uid: boolean) {
  return defineCommand({
    name: uid ? 'UID THREAD' : 'THREAD',
    states: selectedState,
    parse(r) {
      r.sp();
      const algo = r.word();
      if (algo !== 'ORDEREDSUBJECT' && algo !== 'REFERENCES') throw new ImapNo(`Unknown threading algorithm ${algo}`, undefined, 'BAD');
      return { algo, key: parseCharsetAndKeys(r) };
    },
    async run(s, tag, a) {
      const msgs = await collect(s, a.key);
      const num = (m: SortFacts) => (uid ? m.uid : m.seq);
      const text = a.algo === 'REFERENCES' ? threadReferences(msgs, num) : threadOrderedSubject(msgs, num);
      s.untagged(`THREAD${text ? ' ' + text : ''}`);
      await syncSelected(s, uid);
      s.tagged(tag, 'OK', `${uid ? 'UID THREAD' : 'THREAD'} completed`);
    },
  });
}

export const sort = makeSort(false);
export const uidSort = makeSort(true);
export const thread = makeThread(false);
export const uidThread = makeThread(true);
