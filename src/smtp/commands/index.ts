// The command table: verb → command (CONVENTIONS.md §4: a typed map, no name-built dispatch).
import type { Command } from '../command.ts';
import { auth } from './auth.ts';
import { bdat } from './bdat.ts';
import { data } from './data.ts';
import { ehlo, helo } from './ehlo.ts';
import { mail } from './mail.ts';
import { rcpt } from './rcpt.ts';
import { help } from './help.ts';
import { noop } from './noop.ts';
import { notImplemented } from './not-implemented.ts';
import { quit } from './quit.ts';
import { rset } from './rset.ts';
import { vrfy } from './vrfy.ts';
import { starttls } from './starttls.ts';

export function commandTable(): ReadonlyMap<string, Command> {
  const all = [ehlo, helo, mail, rcpt, data, bdat, rset, noop, quit, help, vrfy, starttls, auth, ...notImplemented];
  return new Map(all.map((c) => [c.name, c]));
}
