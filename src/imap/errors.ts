// A command's refusal as a typed error: the session turns it into a tagged NO/BAD with an RFC 5530
// response code, in one place (session.ts execute()).

export class ImapNo extends Error {
  readonly status: 'NO' | 'BAD';
  /** RFC 5530 / RFC 9051 §7.1 response code without brackets, e.g. "NONEXISTENT". */
  readonly code: string | undefined;
  constructor(message: string, code?: string, status: 'NO' | 'BAD' = 'NO') {
    super(message);
    this.name = 'ImapNo';
    this.code = code;
    this.status = status;
  }
}
