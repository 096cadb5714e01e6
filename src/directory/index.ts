export { Directory, defaultMailboxes, splitAddress } from './directory.ts';
export type { Resolution, LocalRecipient, DirectoryOptions } from './directory.ts';
