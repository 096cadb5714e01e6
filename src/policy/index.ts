export { checkAccess, blockListOf, clientGroup, normalizeIp } from './access.ts';
export type { AccessFacts, AccessRefusal, AccessRules, AccessVerdict } from './access.ts';
export { decideRelay, isInNetworks } from './relay.ts';
export type { RelayFacts, RelayRules, RelayVerdict } from './relay.ts';
export { checkSenderLogin } from './sender.ts';
export type { SenderLoginFacts, SenderLoginRules, SenderVerdict } from './sender.ts';
export { checkQuota } from './quota.ts';
export type { QuotaVerdict } from './quota.ts';
