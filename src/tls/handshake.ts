// The per-handshake callbacks of every TLS server socket: the certificate by SNI (RFC 6066 §3),
// ALPN (RFC 7301) with the ACME TLS-ALPN-01 responder (RFC 8737).
//
// RFC 8737 §3: a validation handshake offers ALPN "acme-tls/1" and must get the challenge
// certificate. In TLS 1.3 OpenSSL runs the ALPN callback before the certificate (SNI) callback, so
// the ALPN callback marks the socket and the SNI callback then serves the challenge context. In
// TLS 1.2 the order is reversed and the certificate is already chosen: such a handshake is refused
// rather than answered with the wrong certificate. (Node calls both callbacks with the TLSSocket
// as `this`.) TODO(RFC 8737 §3): TLS 1.2 validation handshakes.
import type { SecureContext } from 'node:tls';
import type { Logger } from '../observe/index.ts';
import type { AcmeChallenges } from './challenges.ts';
import { lookupSni, type SniTable } from './sni.ts';

export const ACME_TLS_ALPN = 'acme-tls/1';

/** ALPN ids accepted when a listener names none: the mail protocols' and HTTP/1.1. */
export const defaultAlpn: readonly string[] = ['smtp', 'imap', 'pop3', 'managesieve', 'http/1.1'];

/** The ALPN id of a listener protocol, for `serverOptions({ alpn })`. */
export function alpnFor(protocol: string): string[] {
  switch (protocol) {
    case 'smtp':
    case 'submission': return ['smtp'];
    case 'imap': return ['imap'];
    case 'pop3': return ['pop3'];
    case 'managesieve': return ['managesieve'];
    case 'http': return ['http/1.1'];
    default: return [...defaultAlpn];
  }
}

export interface HandshakeState {
  table: SniTable<SecureContext>;
}

export function createHandshakeCallbacks(o: { current: () => HandshakeState; challenges: AcmeChallenges; log: Logger }) {
  const acmeSockets = new WeakSet<object>();
  const sniDone = new WeakSet<object>();

  /** `initial`: the socket's own context (its listener's default), where no SNI match leaves it. */
  const sniCallback = (initial: SecureContext) => function SNICallback(this: unknown, servername: string, cb: (err: Error | null, ctx?: SecureContext) => void): void {
    if (this !== null && typeof this === 'object') {
      sniDone.add(this);
      const challenge = acmeSockets.has(this) ? o.challenges.alpnContext(servername) : undefined;
      if (challenge) {
        o.log.info('tls.acme.alpn_challenge_served', { servername });
        cb(null, challenge);
        return;
      }
    }
    const ctx = lookupSni(o.current().table, servername);
    // Staying on the socket's initial context keeps all its certificates; switching to it, even
    // to itself, would keep only one (see buildState in provider.ts).
    cb(null, ctx === undefined || ctx === initial ? undefined : ctx);
  };

  const alpnCallback = (wanted: readonly string[]) =>
    function ALPNCallback(this: unknown, info: { servername: string; protocols: string[] }): string | undefined {
      const self = this !== null && typeof this === 'object' ? this : undefined;
      if (self && info.protocols.includes(ACME_TLS_ALPN) && !sniDone.has(self) && o.challenges.alpnContext(info.servername)) {
        acmeSockets.add(self);
        return ACME_TLS_ALPN;
      }
      // RFC 7301 §3.2, RFC 9325 §3.8: our preference among what the client offers; undefined
      // makes Node send the no_application_protocol alert.
      return wanted.find((p) => info.protocols.includes(p));
    };

  return { sniCallback, alpnCallback };
}
