// The end of a DATA or BDAT transaction: the pipeline makes the message durable, then 250.
import { errorMessage } from '../../errors/index.ts';
import type { InboundMessage } from '../../pipeline/index.ts';
import { reply } from '../reply.ts';
import type { Session } from '../session.ts';
import type { Transaction } from '../state.ts';

export async function finishMessage(s: Session, message: InboundMessage, tx: Transaction): Promise<void> {
  let result;
  try {
    result = await message.finish();
  } catch (err) {
    await message.abort().catch(() => {});
    s.log.error('smtp.message.store_failed', { err: errorMessage(err) });
    await s.send(reply(451, '4.3.0', 'Error: local error in processing, try again later'));
    return;
  }
  if (result.kind === 'loop') {
    s.log.info('smtp.message.loop', { detail: result.detail });
    await s.send(reply(554, '5.4.6', `Error: mail loop detected: ${result.detail}`));
    return;
  }
  s.log.info('smtp.message.accepted', {
    id: result.id, sender: tx.sender?.address ?? '', recipients: tx.recipients.length, size: message.size,
    delivered: result.delivered, queueId: result.queueId, auth: s.account?.address ?? null, tls: s.tls?.version ?? null,
  });
  s.messageAccepted();
  await s.send(reply(250, '2.0.0', `Ok: queued as ${result.id}`));
}
