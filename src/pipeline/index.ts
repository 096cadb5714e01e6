export { beginInbound, xtext } from './inbound.ts';
export type { InboundEnvelope, InboundMessage, InboundRecipient, InboundResult } from './inbound.ts';
export { receivedHeader, localDeliveryPrefix, rfc5322Date, withProtocol } from './received.ts';
export type { ReceivedInfo } from './received.ts';
export { HeaderScanner } from './header-scanner.ts';
export { DeliveryBatcher } from './group-commit.ts';
