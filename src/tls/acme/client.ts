// An ACME client (RFC 8555) for the one job Postern needs: an account, an order for the server's
// names, the authorisations by HTTP-01 or TLS-ALPN-01, finalize with a CSR, download the chain.
// Every request is a JWS POST (§6.2) with a fresh nonce (§6.5); a badNonce error is retried with
// the nonce it carries; polling honours Retry-After (§8.2) and otherwise backs off exponentially.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../observe/index.ts';
import { HttpClient, type HttpClientOptions, type HttpResponse } from './http.ts';
import { signJws, type AccountKey } from './jws.ts';

export interface AcmeDirectory {
  newNonce: string;
  newAccount: string;
  newOrder: string;
  meta?: { termsOfService?: string };
}

export type OrderStatus = 'pending' | 'ready' | 'processing' | 'valid' | 'invalid';
export interface AcmeOrder {
  status: OrderStatus;
  expires?: string;
  identifiers: { type: string; value: string }[];
  authorizations: string[];
  finalize: string;
  certificate?: string;
  error?: AcmeProblem;
}
export interface AcmeChallenge { type: string; url: string; status: string; token: string; error?: AcmeProblem }
export interface AcmeAuthorization {
  status: 'pending' | 'valid' | 'invalid' | 'deactivated' | 'expired' | 'revoked';
  identifier: { type: string; value: string };
  challenges: AcmeChallenge[];
  wildcard?: boolean;
}
export interface AcmeProblem { type?: string; detail?: string; status?: number; subproblems?: AcmeProblem[] }

export class AcmeError extends Error {
  readonly problem: AcmeProblem | undefined;
  readonly status: number;
  /** From a Retry-After header (RFC 8555 §6.6 rate limits), in milliseconds. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, opts: { status?: number; problem?: AcmeProblem; retryAfterMs?: number } = {}) {
    super(message);
    this.name = 'AcmeError';
    this.status = opts.status ?? 0;
    this.problem = opts.problem;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/** RFC 9110 §10.2.3: delay-seconds or an HTTP-date. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

export interface AcmeClientOptions extends HttpClientOptions {
  directoryUrl: string;
  accountKey: AccountKey;
  log: Logger;
  /** Aborts sleeps and requests (shutdown). */
  signal?: AbortSignal;
  /** First polling delay; doubles up to maxPollMs. */
  pollInitialMs?: number;
  maxPollMs?: number;
}

const BAD_NONCE = 'urn:ietf:params:acme:error:badNonce';
const MAX_BAD_NONCE_RETRIES = 10;

export class AcmeClient {
  private readonly http: HttpClient;
  private readonly o: AcmeClientOptions;
  private dir: AcmeDirectory | undefined;
  private nonce: string | undefined;
  private kid: string | undefined;

  constructor(o: AcmeClientOptions) {
    this.o = o;
    this.http = new HttpClient(o);
  }

  close(): void {
    this.http.close();
  }

  async directory(): Promise<AcmeDirectory> {
    if (this.dir) return this.dir;
    const res = await this.http.request(this.o.directoryUrl, { method: 'GET', signal: this.o.signal });
    if (res.status !== 200) throw new AcmeError(`ACME directory ${this.o.directoryUrl} answered HTTP ${res.status}`, { status: res.status });
    const d = parseJson(res) as Partial<AcmeDirectory>;
    if (!d.newNonce || !d.newAccount || !d.newOrder) throw new AcmeError(`ACME directory ${this.o.directoryUrl} lacks newNonce/newAccount/newOrder`);
    this.dir = d as AcmeDirectory;
    return this.dir;
  }

  /** RFC 8555 §7.2: HEAD newNonce. */
  private async freshNonce(): Promise<string> {
    const res = await this.http.request((await this.directory()).newNonce, { method: 'HEAD', signal: this.o.signal });
    const n = header(res, 'replay-nonce');
    if (!n) throw new AcmeError(`newNonce answered HTTP ${res.status} without a Replay-Nonce`);
    return n;
  }

  /** A signed POST (payload undefined: POST-as-GET, RFC 8555 §6.3). */
  async post(url: string, payload: unknown, opts: { accept?: string } = {}): Promise<HttpResponse> {
    for (let attempt = 0; ; attempt++) {
      const nonce = this.nonce ?? (await this.freshNonce());
      this.nonce = undefined;
      const jws = signJws(this.o.accountKey, { nonce, url, kid: this.kid }, payload);
      const res = await this.http.request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/jose+json', ...(opts.accept ? { accept: opts.accept } : {}) },
        body: JSON.stringify(jws),
        signal: this.o.signal,
      });
      // RFC 8555 §6.5: every response carries the next nonce, errors included.
      this.nonce = header(res, 'replay-nonce');
      if (res.status < 400) return res;
      const problem = parseProblem(res);
      // RFC 8555 §6.5: "the client SHOULD retry the request using the new nonce" on badNonce.
      if (problem?.type === BAD_NONCE && attempt < MAX_BAD_NONCE_RETRIES) {
        this.o.log.debug('acme.bad_nonce.retry', { url, attempt });
        continue;
      }
      throw new AcmeError(`ACME ${url}: HTTP ${res.status} ${problem?.type ?? ''} ${problem?.detail ?? ''}`.trim(), {
        status: res.status, problem, retryAfterMs: parseRetryAfter(header(res, 'retry-after'), Date.now()),
      });
    }
  }

  /** RFC 8555 §7.3: creates the account, or finds the existing one for this key (200 + Location). */
  async account(email: string | undefined): Promise<string> {
    if (this.kid) return this.kid;
    const d = await this.directory();
    const res = await this.post(d.newAccount, { termsOfServiceAgreed: true, ...(email ? { contact: [`mailto:${email}`] } : {}) });
    const kid = header(res, 'location');
    if (!kid) throw new AcmeError('newAccount answered without a Location (account URL)');
    this.kid = kid;
    return kid;
  }

  /** RFC 8555 §7.4. */
  async newOrder(hostnames: readonly string[]): Promise<{ url: string; order: AcmeOrder }> {
    const d = await this.directory();
    const res = await this.post(d.newOrder, { identifiers: hostnames.map((h) => ({ type: 'dns', value: h })) });
    const url = header(res, 'location');
    if (!url) throw new AcmeError('newOrder answered without a Location (order URL)');
    return { url, order: parseJson(res) as AcmeOrder };
  }

  async get<T>(url: string): Promise<T> {
    return parseJson(await this.post(url, undefined)) as T;
  }

  /** RFC 8555 §7.5.1: tells the server the challenge is ready to be validated. */
  async respond(challengeUrl: string): Promise<void> {
    await this.post(challengeUrl, {});
  }

  /** RFC 8555 §7.4: finalize with a CSR (DER, base64url). */
  async finalize(url: string, csrDer: Buffer): Promise<AcmeOrder> {
    return parseJson(await this.post(url, { csr: csrDer.toString('base64url') })) as AcmeOrder;
  }

  /** RFC 8555 §7.4.2: the chain as application/pem-certificate-chain. */
  async downloadCertificate(url: string): Promise<string> {
    const res = await this.post(url, undefined, { accept: 'application/pem-certificate-chain' });
    const pem = res.body.toString('utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new AcmeError(`certificate download from ${url} is not a PEM chain`);
    return pem;
  }

  /**
   * Polls `url` (POST-as-GET) until `done(resource)` is true or the deadline passes (RFC 8555
   * §7.5.1: Retry-After when given, else exponential backoff).
   */
  async poll<T>(url: string, done: (r: T) => boolean, deadline: number): Promise<T> {
    let delay = this.o.pollInitialMs ?? 500;
    const max = this.o.maxPollMs ?? 10_000;
    for (;;) {
      const res = await this.post(url, undefined);
      const r = parseJson(res) as T;
      if (done(r)) return r;
      const retryAfter = parseRetryAfter(header(res, 'retry-after'), Date.now());
      const wait = Math.min(retryAfter ?? delay, 60_000);
      if (Date.now() + wait > deadline) throw new AcmeError(`gave up waiting for ${url} (acme.order_timeout)`);
      await sleep(wait, undefined, { signal: this.o.signal });
      delay = Math.min(delay * 2, max);
    }
  }
}

function header(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function parseJson(res: HttpResponse): unknown {
  try {
    return JSON.parse(res.body.toString('utf8'));
  } catch {
    throw new AcmeError(`ACME server sent invalid JSON (HTTP ${res.status})`, { status: res.status });
  }
}

/** RFC 8555 §6.7: errors are RFC 7807 problem documents. */
function parseProblem(res: HttpResponse): AcmeProblem | undefined {
  try {
    const p = JSON.parse(res.body.toString('utf8')) as AcmeProblem;
    return typeof p === 'object' && p !== null ? p : undefined;
  } catch {
    return undefined;
  }
}
