// The certificate signing request sent at finalize (RFC 8555 §7.4: a PKCS #10 CSR, RFC 2986),
// encoded with our DER encoder: the names go in a subjectAltName extension request (RFC 2985
// §5.4.2 extensionRequest); the subject CN is the first name, for CAs that still look at it.
import { createPublicKey, sign, type KeyObject } from 'node:crypto';
import { bitString, contextExplicit, contextImplicitPrimitive, integer, octetString, oid, sequence, set, utf8String } from '../der.ts';
import { signatureAlgorithm } from '../keys.ts';

export function createCsr(hostnames: readonly string[], privateKey: KeyObject): Buffer {
  if (hostnames.length === 0) throw new Error('a CSR needs at least one name');
  const alg = signatureAlgorithm(privateKey);
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const san = sequence(oid('2.5.29.17'), octetString(sequence(...hostnames.map((h) => contextImplicitPrimitive(2, Buffer.from(h, 'ascii'))))));
  const extensionRequest = sequence(oid('1.2.840.113549.1.9.14'), set(sequence(san)));
  const info = sequence(
    integer(0), // version v1
    sequence(set(sequence(oid('2.5.4.3'), utf8String(hostnames[0]!)))),
    spki,
    contextExplicit(0, extensionRequest), // attributes [0] IMPLICIT SET OF Attribute
  );
  const signature = sign(alg.hash, info, { key: privateKey, dsaEncoding: 'der' });
  return sequence(info, alg.identifier, bitString(signature));
}
