// DATA (RFC 5321 §4.1.1.4): "354", then the dot-stuffed body streams into the pipeline's spool.
// The size limit is enforced while streaming (RFC 1870 §6.3: 552 5.3.4 after the end of data);
// a bare CR or LF is refused or normalised (SMTP smuggling, see dot-decoder.ts). 250 is sent only
// after the message is durable.
import { beginInbound } from '../../pipeline/index.ts';
import { defineCommand } from '../command.ts';
import { reply } from '../reply.ts';
import { finishMessage } from './finish.ts';

export const data = defineCommand({
  name: 'DATA',
  states: ['mail'],
  outOfSequence: (st) => st === 'bdat' ? reply(503, '5.5.1', 'Error: DATA is not allowed in a BDAT transaction') : reply(503, '5.5.1', 'Error: need RCPT command'),
  async run(s, args, state) {
    if (args.trim() !== '') {
      await s.send(reply(501, '5.5.4', 'Syntax: DATA'));
      return;
    }
    const tx = state.tx;
    if (tx.recipients.length === 0) {
      await s.send(reply(554, '5.5.1', 'Error: no valid recipients'));
      return;
    }
    // RFC 3030 §3: a BINARYMIME body can only be sent with BDAT.
    if (tx.params.body === 'BINARYMIME') {
      await s.send(reply(503, '5.5.1', 'Error: BODY=BINARYMIME requires BDAT'));
      return;
    }
    const message = await beginInbound(s.ctx, s.envelopeOf(tx, state.helo), s.shared.batcher);
    s.state = { kind: 'ready', helo: state.helo };
    s.reader.startData(s.limits.max_message_bytes);
    await s.send(reply(354, undefined, 'End data with <CR><LF>.<CR><LF>'));
    const end = await s.receiveBody(message);
    if (end.kind !== 'end') {
      await message.abort();
      if (end.kind !== 'eof') await s.timedOut();
      return;
    }
    if (end.overflow) {
      await message.abort();
      s.log.info('smtp.limit.size', { size: end.size, max: s.limits.max_message_bytes });
      await s.send(reply(552, '5.3.4', 'Error: message size exceeds fixed maximum message size'));
      return;
    }
    if (end.bareLineEnding && s.settings.bare_line_endings === 'reject') {
      await message.abort();
      s.log.info('smtp.data.bare_line_ending', { sender: tx.sender?.address ?? '' });
      await s.send(reply(550, '5.6.0', 'Error: message contains a bare CR or LF; lines must end in CRLF (RFC 5321 §2.3.8)'));
      return;
    }
    if (end.writeFailed) {
      await message.abort();
      await s.send(reply(452, '4.3.1', 'Error: insufficient system storage'));
      return;
    }
    await finishMessage(s, message, tx);
  },
});
