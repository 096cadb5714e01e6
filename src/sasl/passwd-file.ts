// Dovecot passwd-file import (`postern user import`): one account per line,
//   user:password:uid:gid:gecos:home:shell:extra_fields
// with everything after the password optional, "#" comments and blank lines ignored. The
// password keeps its {SCHEME} (or bare crypt string, Dovecot's default CRYPT scheme) and is
// verified by hash-formats.ts until the first login rehashes it to argon2id; {PLAIN} and
// {CLEARTEXT} passwords are hashed at import. Of the extra fields, userdb_quota_rule=*:storage=…
// (or *:bytes=…) becomes the account quota; the others are reported and ignored.
import { isSupportedHash, splitScheme } from './hash-formats.ts';

export interface PasswdEntry {
  line: number;
  address: string;
  /** The stored hash as found; null for an empty password field (the account cannot log in). */
  passwordHash: string | null;
  /** The cleartext of a {PLAIN}/{CLEARTEXT} entry, to be hashed at import. */
  cleartext: string | null;
  quotaBytes: number | null;
  ignoredFields: string[];
}

export interface PasswdProblem { line: number; reason: string }

export interface ImportReport { entries: PasswdEntry[]; problems: PasswdProblem[] }

/** Dovecot quota sizes: a number with an optional k/M/G/T suffix (binary multiples), or a percentage we cannot use. */
function parseQuota(v: string): number | undefined {
  const m = /^(\d+)([bkmgt]?)$/i.exec(v);
  if (!m) return undefined;
  const mult = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2]!.toLowerCase()]!;
  return Number(m[1]) * mult;
}

/** Parses a passwd-file; never throws: bad lines become problems. */
export function parsePasswdFile(text: string, opts: { defaultDomain?: string; maxLines?: number } = {}): ImportReport {
  const entries: PasswdEntry[] = [];
  const problems: PasswdProblem[] = [];
  const seen = new Set<string>();
  const lines = text.split(/\r?\n/);
  const max = opts.maxLines ?? 1_000_000;
  if (lines.length > max) return { entries, problems: [{ line: max + 1, reason: `more than ${max} lines` }] };
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) return;
    const fields = raw.split(':');
    if (fields.length < 2) return void problems.push({ line, reason: 'expected user:password[:…]' });
    let user = fields[0]!.trim();
    // The password may itself contain ":" only in {PLAIN}; crypt strings and base 64 never do.
    // Dovecot splits on ":" too, so we do the same.
    const password = fields[1]!;
    if (!user) return void problems.push({ line, reason: 'empty user name' });
    if (!user.includes('@')) {
      if (!opts.defaultDomain) return void problems.push({ line, reason: `"${user}" has no domain (pass --domain)` });
      user = `${user}@${opts.defaultDomain}`;
    }
    if (seen.has(user.toLowerCase())) return void problems.push({ line, reason: `"${user}" appears twice` });
    seen.add(user.toLowerCase());
    let passwordHash: string | null = null;
    let cleartext: string | null = null;
    if (password !== '') {
      const { scheme, rest } = splitScheme(password);
      if (scheme === 'PLAIN' || scheme === 'CLEARTEXT') cleartext = rest;
      else if (isSupportedHash(password)) passwordHash = password;
      else return void problems.push({ line, reason: `unsupported password scheme${scheme ? ` {${scheme}}` : ''} for ${user}` });
    }
    let quotaBytes: number | null = null;
    const ignoredFields: string[] = [];
    for (const extra of (fields.slice(7).join(':')).split(/\s+/).filter(Boolean)) {
      const q = /^userdb_quota_rule=\*:(?:storage|bytes)=(\S+)$/.exec(extra);
      if (q) {
        const n = parseQuota(q[1]!);
        if (n === undefined) ignoredFields.push(extra);
        else quotaBytes = n;
      } else ignoredFields.push(extra.replace(/=.*/s, '=…'));
    }
    entries.push({ line, address: user, passwordHash, cleartext, quotaBytes, ignoredFields });
  });
  return { entries, problems };
}
