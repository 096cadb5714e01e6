// BDAT (RFC 3030 §2): "BDAT size [LAST]" and exactly `size` octets of message data, no dot
// stuffing. The octets are consumed in every case — even when the command is refused — because
// they are data, never commands; the only exception is a chunk we cannot frame (bad syntax) or
// one larger than the whole message limit, which closes the connection.
import { beginInbound } from '../../pipeline/index.ts';
import { defineCommand } from '../command.ts';
import { reply, type Reply } from '../reply.ts';
import type { Session } from '../session.ts';
import { finishMessage } from './finish.ts';

/** Reads the chunk the reader was told to expect; returns false when the client went away. */
async function drainChunk(s: Session, sink: ((c: Buffer) => Promise<void>) | null): Promise<boolean> {
  for (;;) {
    const ev = await s.nextEvent(s.limits.data_timeout, false);
    if (ev.kind === 'data') {
      if (sink) for (const c of ev.chunks) await sink(c);
    } else if (ev.kind === 'data-end') {
      return true;
    } else {
      if (ev.kind !== 'eof') await s.timedOut();
      return false;
    }
  }
}

export const bdat = defineCommand({
  name: 'BDAT',
  states: ['initial', 'ready', 'mail', 'bdat'],
  async run(s, args, state) {
    const m = /^(\d{1,15})(?: +(LAST))? *$/i.exec(args);
    if (!m) {
      // Without a size the data cannot be told apart from commands: stop here.
      await s.send(reply(501, '5.5.4', 'Syntax: BDAT size [LAST]'));
      await s.close(reply(421, '4.7.0', `${s.hostname} Error: cannot continue after a bad BDAT command`));
      return;
    }
    const size = Number(m[1]);
    const last = m[2] !== undefined;
    if (size > s.limits.max_message_bytes) {
      s.resetTransaction();
      await s.send(reply(552, '5.3.4', 'Error: message size exceeds fixed maximum message size'));
      await s.close(reply(421, '4.7.0', `${s.hostname} Error: closing after an oversized BDAT chunk`));
      return;
    }
    s.reader.startChunk(size);
    let refusal: Reply | undefined;
    if (state.kind === 'initial') refusal = reply(503, '5.5.1', 'Error: send HELO/EHLO first');
    else if (state.kind === 'ready') refusal = reply(503, '5.5.1', 'Error: need MAIL command');
    else if (state.kind === 'mail' && state.tx.recipients.length === 0) refusal = reply(554, '5.5.1', 'Error: no valid recipients');
    if (refusal) {
      if (await drainChunk(s, null)) await s.send(refusal);
      return;
    }
    if (state.kind === 'mail') {
      let message;
      try {
        message = await beginInbound(s.ctx, s.envelopeOf(state.tx, state.helo), s.shared.batcher);
      } catch (err) {
        s.state = { kind: 'ready', helo: state.helo };
        if (await drainChunk(s, null)) await s.send(reply(451, '4.3.0', 'Error: local error in processing, try again later'));
        s.log.error('smtp.spool.failed', { err });
        return;
      }
      s.state = { kind: 'bdat', helo: state.helo, tx: state.tx, message, received: 0, overflow: false };
    }
    const cur = s.state;
    if (cur.kind !== 'bdat') throw new Error('BDAT without a transfer');
    let writeFailed = false;
    const ok = await drainChunk(s, async (c) => {
      // The limit counts octets of the message; past it nothing more is written (RFC 1870 §6.3).
      cur.received += c.length;
      if (cur.received > s.limits.max_message_bytes) cur.overflow = true;
      if (cur.overflow || writeFailed) return;
      try {
        await cur.message.write(c);
      } catch {
        writeFailed = true;
      }
    });
    if (!ok) return; // the session's clean-up aborts the message
    if (cur.overflow || writeFailed) {
      s.resetTransaction();
      if (cur.overflow) s.log.info('smtp.limit.size', { size: cur.received, max: s.limits.max_message_bytes });
      await s.send(cur.overflow ? reply(552, '5.3.4', 'Error: message size exceeds fixed maximum message size') : reply(452, '4.3.1', 'Error: insufficient system storage'));
      return;
    }
    if (!last) {
      await s.send(reply(250, '2.0.0', `${size} octets received`));
      return;
    }
    s.state = { kind: 'ready', helo: cur.helo };
    await finishMessage(s, cur.message, cur.tx);
  },
});
