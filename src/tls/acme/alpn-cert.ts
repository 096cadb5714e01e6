// The TLS-ALPN-01 validation certificate (RFC 8737 §3): self-signed, one dNSName (the name being
// validated) and the critical id-pe-acmeIdentifier extension holding SHA-256 of the key
// authorisation as an OCTET STRING.
import { createHash } from 'node:crypto';
import { boolean, octetString, oid, sequence } from '../der.ts';
import { createSelfSigned } from '../self-signed.ts';

export const idPeAcmeIdentifier = '1.3.6.1.5.5.7.1.31';

export function createAlpnChallengeCertificate(hostname: string, keyAuthorization: string): { certPem: string; keyPem: string } {
  const digest = createHash('sha256').update(keyAuthorization, 'utf8').digest();
  // RFC 8737 §3: "The extension MUST be critical", extnValue = DER of Authorization (OCTET STRING (SIZE (32))).
  const ext = sequence(oid(idPeAcmeIdentifier), boolean(true), octetString(octetString(digest)));
  const c = createSelfSigned([hostname], { days: 7, extraExtensions: [ext] });
  return { certPem: c.certPem, keyPem: c.keyPem };
}
