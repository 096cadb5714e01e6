export { configSchema, listenerSchema, listenerLimitsSchema, protocols } from './schema.ts';
export type { Config, ListenerConfig, ListenerLimits, Protocol } from './schema.ts';
export { loadConfig, parseConfigText, validateConfig, ConfigErrors, formatKeyPath } from './load.ts';
export { parseDuration, parseSize, parseCidr, splitHostPort, isDomainName, key, duration, byteSize, count, cidr, hostPort, domainName } from './types.ts';
export type { KeyMeta } from './types.ts';
export { renderConfigDocs } from './docs.ts';
export { defaultAuthSettings, saslMechanisms } from './auth.ts';
export { renderDefaultConfig, devListeners, prodListeners } from './template.ts';
