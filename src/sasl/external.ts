// EXTERNAL (RFC 4422 Appendix A) with TLS client certificates. The listener must request client
// certificates and verify them against a trusted CA (tlsSocket.authorized); EXTERNAL is offered
// only on listeners named in auth.external_listeners.
//
// Mapping (our decision, the RFC leaves it to the server): the certificate's identities are its
// subjectAltName rfc822Name ("email:") entries, then the subject's emailAddress and CN when they
// look like addresses. With an empty authzid the first identity that is an account is used; a
// non-empty authzid must be one of the identities, or the certificate's account must be a master
// user (auth.master_users).
import type { TLSSocket } from 'node:tls';
import { isClientCertificateVerified } from '../tls/index.ts';
import { cancelled, fail, maxIdentityBytes, utf8, type MechanismEnv } from './mechanism.ts';
import type { SaslExchange, SaslStep } from './types.ts';

/** The e-mail identities of a verified client certificate, in preference order. */
export function certificateIdentities(sock: TLSSocket | undefined): string[] {
  if (!isClientCertificateVerified(sock)) return [];
  const cert = sock.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) return [];
  const out: string[] = [];
  for (const part of (cert.subjectaltname ?? '').split(/,\s*/)) {
    if (part.startsWith('email:')) out.push(part.slice(6));
  }
  const subject = cert.subject as unknown as Record<string, string | string[] | undefined> | undefined;
  for (const k of ['emailAddress', 'CN']) {
    const v = subject?.[k];
    for (const x of Array.isArray(v) ? v : v === undefined ? [] : [v]) if (/^[^@\s]+@[^@\s]+$/.test(x)) out.push(x);
  }
  return [...new Set(out)];
}

export function externalExchange(env: MechanismEnv): SaslExchange {
  let challenged = false;
  let done = false;
  return {
    mechanism: 'EXTERNAL',
    async step(response): Promise<SaslStep> {
      if (done) return fail('malformed', 'exchange already finished');
      if (response === null) {
        if (challenged) return fail('malformed', 'no response');
        challenged = true;
        return { kind: 'challenge', data: new Uint8Array(0) };
      }
      done = true;
      const authzid = utf8(response);
      if (authzid === undefined || response.length > maxIdentityBytes) return fail('malformed', 'authzid not UTF-8 or too long');
      const ids = certificateIdentities(env.conn.tlsSocket);
      if (ids.length === 0) return fail('invalid-credentials', 'no verified client certificate with an e-mail identity', authzid || undefined);
      const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
      if (authzid !== '' && ids.some((x) => same(x, authzid))) {
        const account = await env.findAccount(authzid);
        if (account && !account.disabled) return env.authorize(account, authzid, '');
      }
      for (const id of ids) {
        const account = await env.findAccount(id);
        if (account && !account.disabled) return env.authorize(account, id, authzid);
      }
      return fail('invalid-credentials', `certificate identities ${ids.join(', ')} name no account`, authzid || ids[0]);
    },
    cancel: cancelled,
  };
}
