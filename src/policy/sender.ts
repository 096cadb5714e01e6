// Sender restrictions for authenticated clients (like Postfix reject_sender_login_mismatch): a
// logged-in user may put in MAIL FROM only an address that delivers to their own account — the
// account address, its plus-addresses, or an alias whose targets include the account (a domain's
// catch-all does not count). A pure function of (facts, rules).

export interface SenderLoginFacts {
  /** The authenticated account, or null for an unauthenticated client (no restriction here). */
  accountId: number | null;
  accountAddress: string | null;
  /** MAIL FROM address; "" for the null reverse-path. */
  sender: string;
  /** Accounts that own `sender` (directory resolution without catch-all); empty when none. */
  senderOwners: readonly number[];
}

export interface SenderLoginRules {
  rejectSenderLoginMismatch: boolean;
}

export type SenderVerdict = { kind: 'accept' } | { kind: 'reject'; detail: string };

export function checkSenderLogin(facts: SenderLoginFacts, rules: SenderLoginRules): SenderVerdict {
  if (facts.accountId === null || !rules.rejectSenderLoginMismatch) return { kind: 'accept' };
  // The null reverse-path (RFC 5321 §4.5.5) is for notifications; it impersonates nobody.
  if (facts.sender === '') return { kind: 'accept' };
  if (facts.senderOwners.includes(facts.accountId)) return { kind: 'accept' };
  return { kind: 'reject', detail: `${facts.sender} is not owned by ${facts.accountAddress ?? `account ${facts.accountId}`}` };
}
