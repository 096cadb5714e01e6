export { createHttpHandler } from './http.ts';
export { routes } from './routes.ts';
export type { Route } from './routes.ts';
