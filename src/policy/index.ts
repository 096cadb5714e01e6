export { checkAccess, blockListOf, clientGroup, normalizeIp } from './access.ts';
export type { AccessFacts, AccessRefusal, AccessRules, AccessVerdict } from './access.ts';
