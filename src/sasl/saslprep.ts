// SASLprep (RFC 4013), the stringprep (RFC 3454) profile for user names and passwords, used by
// SCRAM (RFC 5802 §2.2: Normalize(str)) and by every password mechanism so that "I\u00ADX" and
// "IX" are the same password whichever mechanism the client picks.
//
// Tables are transcribed from RFC 3454 appendices B.1 and C.*; the bidi categories of appendix D
// (frozen at Unicode 3.2) are approximated with today's Unicode script properties: RandALCat are
// the non-mark, non-digit characters of the right-to-left scripts, LCat the other letters. NFKC
// is the engine's (a newer Unicode than 3.2: characters unassigned in 3.2 are allowed in queries,
// RFC 3454 §7, and refused only in stored strings).

/** RFC 4013 §2.1 / RFC 3454 C.1.2: non-ASCII space characters, mapped to SPACE. */
const nonAsciiSpace = /[\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/gu;
/** RFC 4013 §2.1 / RFC 3454 B.1: commonly mapped to nothing. */
const mappedToNothing = /[\u00AD\u034F\u1806\u180B-\u180D\u200B-\u200D\u2060\uFE00-\uFE0F\uFEFF]/gu;

/** RFC 4013 §2.3: C.1.2, C.2.1, C.2.2, C.3, C.4, C.5, C.6, C.7, C.8, C.9. */
const prohibited = new RegExp([
  '[\\u00A0\\u1680\\u2000-\\u200B\\u202F\\u205F\\u3000]', // C.1.2
  '[\\u0000-\\u001F\\u007F]', // C.2.1
  '[\\u0080-\\u009F\\u06DD\\u070F\\u180E\\u200C\\u200D\\u2028\\u2029\\u2060-\\u2063\\u206A-\\u206F\\uFEFF\\uFFF9-\\uFFFC\\u{1D173}-\\u{1D17A}]', // C.2.2
  '[\\uE000-\\uF8FF\\u{F0000}-\\u{FFFFD}\\u{100000}-\\u{10FFFD}]', // C.3
  '[\\uFDD0-\\uFDEF\\uFFFE\\uFFFF\\u{1FFFE}\\u{1FFFF}\\u{2FFFE}\\u{2FFFF}\\u{3FFFE}\\u{3FFFF}\\u{4FFFE}\\u{4FFFF}\\u{5FFFE}\\u{5FFFF}\\u{6FFFE}\\u{6FFFF}\\u{7FFFE}\\u{7FFFF}\\u{8FFFE}\\u{8FFFF}\\u{9FFFE}\\u{9FFFF}\\u{AFFFE}\\u{AFFFF}\\u{BFFFE}\\u{BFFFF}\\u{CFFFE}\\u{CFFFF}\\u{DFFFE}\\u{DFFFF}\\u{EFFFE}\\u{EFFFF}\\u{FFFFE}\\u{FFFFF}\\u{10FFFE}\\u{10FFFF}]', // C.4
  '\\p{Cs}', // C.5 (a lone surrogate in a JS string)
  '[\\uFFF9-\\uFFFD]', // C.6
  '[\\u2FF0-\\u2FFB]', // C.7
  '[\\u0340\\u0341\\u200E\\u200F\\u202A-\\u202E\\u206A-\\u206F]', // C.8
  '[\\u{E0001}\\u{E0020}-\\u{E007F}]', // C.9
].join('|'), 'u');

const randAL = /(?=[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\u200F])[^\p{M}\p{Nd}]/u;
const lCat = /(?![\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}])\p{L}/u;

export type SaslprepResult = { ok: true; value: string } | { ok: false; reason: string };

/**
 * Prepares a string per RFC 4013. `stored` refuses unassigned code points (RFC 3454 §7: for
 * strings being stored, e.g. a new password); queries (a login) allow them.
 */
export function saslprep(input: string, opts: { stored?: boolean } = {}): SaslprepResult {
  // RFC 4013 §2.1 mapping, §2.2 normalization (NFKC).
  const mapped = input.replace(mappedToNothing, '').replace(nonAsciiSpace, ' ');
  const value = mapped.normalize('NFKC');
  // RFC 4013 §2.3 prohibited output.
  const bad = prohibited.exec(value);
  if (bad) return { ok: false, reason: `prohibited character U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` };
  if (opts.stored && /\p{Cn}/u.test(value)) return { ok: false, reason: 'unassigned code point in a stored string' };
  // RFC 4013 §2.4 / RFC 3454 §6 bidirectional characters.
  if (randAL.test(value)) {
    if (lCat.test(value)) return { ok: false, reason: 'mixes right-to-left and left-to-right characters' };
    const chars = [...value];
    const rtl = (c: string) => randAL.test(c);
    if (!rtl(chars[0]!) || !rtl(chars[chars.length - 1]!)) return { ok: false, reason: 'right-to-left string must start and end with a right-to-left character' };
  }
  return { ok: true, value };
}

/**
 * The lenient form used when checking a password: SASLprep when it succeeds, otherwise the string
 * unchanged (RFC 4616 §2 lets a server that cannot prepare a string compare it as is).
 */
export function preparePassword(password: string): string {
  const r = saslprep(password);
  return r.ok ? r.value : password;
}
