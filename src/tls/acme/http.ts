// The HTTPS requests of the ACME client (RFC 8555 §6.1: HTTPS only). node:https with an optional
// CA bundle (so a private or test CA's directory can be trusted), a timeout and a response size
// limit; keep-alive, since one issuance is a dozen requests to the same server.
import { Agent, request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpClientOptions {
  /** PEM bundle trusted instead of the system roots. */
  ca?: string | Buffer;
  timeoutMs: number;
  maxResponseBytes: number;
}

export class HttpClient {
  private readonly agent: Agent;
  private readonly opts: HttpClientOptions;

  constructor(opts: HttpClientOptions) {
    this.opts = opts;
    this.agent = new Agent({ keepAlive: true, maxSockets: 4, ca: opts.ca, minVersion: 'TLSv1.2' });
  }

  request(url: string, init: { method: 'GET' | 'HEAD' | 'POST'; headers?: Record<string, string>; body?: string; signal?: AbortSignal }): Promise<HttpResponse> {
    const u = new URL(url);
    if (u.protocol !== 'https:') return Promise.reject(new Error(`ACME URLs must be https (RFC 8555 §6.1): ${url}`));
    return new Promise((resolve, reject) => {
      const req = request(u, {
        method: init.method,
        agent: this.agent,
        headers: { 'user-agent': 'postern-acme', ...(init.body !== undefined ? { 'content-length': String(Buffer.byteLength(init.body)) } : {}), ...init.headers },
        timeout: this.opts.timeoutMs,
        signal: init.signal,
      }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > this.opts.maxResponseBytes) {
            req.destroy(new Error(`response from ${url} exceeds ${this.opts.maxResponseBytes} bytes (acme.max_response_bytes)`));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no response from ${url} within ${this.opts.timeoutMs} ms (acme.request_timeout)`)));
      req.on('error', reject);
      req.end(init.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
