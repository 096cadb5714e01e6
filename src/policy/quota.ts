// Storage quota at delivery (RFC 9208 §4.1, the SMTP side): a recipient whose account is full, or
// would be by the size the client declared with MAIL SIZE= (RFC 1870 §6.3), is refused at RCPT
// time with 552 5.2.2 (RFC 3463 X.2.2 "mailbox full"), as Dovecot does unless
// quota_full_tempfail is set; `[smtp] quota_full_tempfail` makes it 452 4.2.2. A message sent
// without SIZE= may take an account over its quota once (like Dovecot's quota_grace); the next
// one is refused.

export type QuotaVerdict = { kind: 'ok' } | { kind: 'full'; detail: string };

export function checkQuota(facts: { usedBytes: number; quotaBytes: number | null; declaredBytes: number | null }): QuotaVerdict {
  if (facts.quotaBytes === null) return { kind: 'ok' };
  const incoming = facts.declaredBytes ?? 0;
  if (facts.usedBytes >= facts.quotaBytes || facts.usedBytes + incoming > facts.quotaBytes) {
    return { kind: 'full', detail: `${facts.usedBytes} of ${facts.quotaBytes} bytes used${incoming ? `, ${incoming} declared` : ''}` };
  }
  return { kind: 'ok' };
}
