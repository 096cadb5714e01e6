// The `http` protocol: node:http on connections that net/ has accepted and access-checked. Serves
// the routes of routes.ts; everything else is 404.
import { createServer, type Server } from 'node:http';
import type { Context } from '../context.ts';
import type { ProtocolHandler } from '../net/index.ts';
import { routes, sendJson, type Route } from './routes.ts';

function findRoute(method: string | undefined, path: string, table: readonly Route[]): Route | undefined {
  return table.find((r) => r.method === method && (r.path === path || (r.path.endsWith('/') && path.startsWith(r.path))));
}

export function createHttpHandler(ctx: Context, table: readonly Route[] = routes): ProtocolHandler {
  const server: Server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000, maxHeaderSize: 16 * 1024 }, (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const route = findRoute(req.method, path, table);
    if (!route) {
      sendJson(res, 404, { error: 'not found' });
      return;
    }
    Promise.resolve(route.handle(req, res, ctx)).catch((err: unknown) => {
      ctx.log.error('http.route.failed', { path, err });
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  return {
    refusal: () => 'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
    handle(conn) {
      return new Promise<void>((resolve) => {
        conn.socket.once('close', () => resolve());
        const onShutdown = () => conn.socket.end();
        conn.shutdown.addEventListener('abort', onShutdown, { once: true });
        server.emit('connection', conn.socket);
        conn.socket.resume();
      });
    },
  };
}
