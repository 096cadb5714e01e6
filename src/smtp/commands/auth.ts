// AUTH (RFC 4954): the SMTP framing of a SASL exchange run by sasl/ (the mechanisms are
// pluggable; this file knows none of them). Challenges go out as "334 base64", responses come
// back as base64 lines, "*" cancels (501), an initial response may ride on the command ("=" is
// empty). Password mechanisms are never offered before TLS unless the listener allows it.
import { defineCommand } from '../command.ts';
import { reply, type Reply } from '../reply.ts';
import type { SaslStep } from '../../sasl/index.ts';

const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function decode(s: string): Uint8Array | undefined {
  if (s === '=') return new Uint8Array(0); // RFC 4954 §4: "=" is an empty initial response
  return base64Pattern.test(s) ? Buffer.from(s, 'base64') : undefined;
}

function failureReply(step: Extract<SaslStep, { kind: 'failure' }>): Reply {
  switch (step.reason) {
    case 'invalid-credentials': return reply(535, '5.7.8', 'Error: authentication credentials invalid');
    case 'malformed': return reply(501, '5.5.2', 'Error: malformed authentication response');
    case 'aborted': return reply(501, '5.0.0', 'Authentication aborted');
    case 'throttled': return reply(454, '4.7.0', 'Temporary authentication failure: too many attempts, try later');
    case 'temporary': return reply(454, '4.7.0', 'Temporary authentication failure');
    case 'unavailable': return reply(538, '5.7.11', 'Encryption required for requested authentication mechanism');
  }
}

export const auth = defineCommand({
  name: 'AUTH',
  states: ['ready'],
  outOfSequence: (st) => st === 'initial' ? reply(503, '5.5.1', 'Error: send EHLO first') : reply(503, '5.5.1', 'Error: AUTH is not allowed during a mail transaction'),
  async run(s, args) {
    if (!s.offersAuth) {
      await s.send(reply(502, '5.5.1', 'Error: authentication not enabled'));
      return;
    }
    if (s.account !== null) {
      await s.send(reply(503, '5.5.1', 'Error: already authenticated'));
      return;
    }
    const [mech = '', initial, ...extra] = args.trim().split(/ +/);
    if (mech === '' || extra.length > 0) {
      await s.send(reply(501, '5.5.4', 'Syntax: AUTH mechanism [initial-response]'));
      return;
    }
    const conn = s.authConnection();
    const exchange = s.ctx.auth.start(mech, conn);
    if (!exchange) {
      const offered = s.ctx.auth.mechanisms(conn);
      // RFC 4954 §6: 538 when the mechanism needs encryption, 504 when it is unknown.
      if (offered.length === 0 && !s.isSecure) await s.send(reply(538, '5.7.11', 'Encryption required for requested authentication mechanism'));
      else await s.send(reply(504, '5.5.4', 'Error: unrecognized authentication type'));
      return;
    }
    let response: Uint8Array | null = null;
    if (initial !== undefined) {
      const d = decode(initial);
      if (!d) {
        await s.send(reply(501, '5.5.2', 'Error: invalid base64 in initial response'));
        return;
      }
      response = d;
    }
    for (;;) {
      const step = await exchange.step(response);
      if (step.kind === 'success') {
        if (step.data && step.data.length > 0) {
          // RFC 4422 §4 item 6: SMTP's 235 carries no data, so additional data with success
          // (SCRAM's server-final "v=") goes out as a 334 challenge answered with an empty line.
          await s.send(reply(334, undefined, Buffer.from(step.data).toString('base64')));
          const ack = await s.readLine();
          if (ack === 'eof') return;
          if (ack === 'timeout') {
            await s.timedOut();
            return;
          }
          if (ack === 'too-long' || ack.toString('latin1').trim() !== '') {
            await s.send(reply(501, '5.0.0', 'Authentication aborted'));
            return;
          }
        }
        s.account = step.account;
        s.log.info('smtp.auth.succeeded', { mechanism: exchange.mechanism, user: step.account.address });
        await s.send(reply(235, '2.7.0', 'Authentication successful'));
        return;
      }
      if (step.kind === 'failure') {
        s.log.info('smtp.auth.failed', { mechanism: exchange.mechanism, reason: step.reason, detail: step.detail, ip: s.conn.remoteAddress });
        await s.send(failureReply(step));
        // Failed attempts per connection are limited (auth.max_attempts_per_connection): then goodbye.
        if (step.reason === 'invalid-credentials' && s.ctx.auth.attemptsLeft?.(conn) === 0) {
          await s.close(reply(421, '4.7.0', `${s.ctx.config.hostname} Error: too many failed authentication attempts`));
        }
        return;
      }
      await s.send(reply(334, undefined, Buffer.from(step.data).toString('base64')));
      const line = await s.readLine();
      if (line === 'eof') return;
      if (line === 'timeout') {
        await s.timedOut();
        return;
      }
      if (line === 'too-long') {
        await s.send(reply(500, '5.5.6', 'Error: authentication exchange line is too long'));
        return;
      }
      const text = line.toString('latin1').trim();
      if (text === '*') {
        const c = exchange.cancel();
        await s.send(c.kind === 'failure' ? failureReply(c) : reply(501, '5.0.0', 'Authentication aborted'));
        return;
      }
      const d = base64Pattern.test(text) ? Buffer.from(text, 'base64') : undefined;
      if (!d) {
        await s.send(reply(501, '5.5.2', 'Error: invalid base64 in authentication response'));
        return;
      }
      response = d;
    }
  },
});
