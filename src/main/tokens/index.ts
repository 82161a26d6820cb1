/** Personal access tokens for the local REST/GraphQL API; one store per open AppContext. */
import type Database from 'better-sqlite3';
import type { AppContext } from '../app/context';
import { appStorePath, openAppStore } from '../store/app-store';
import { TokenStore } from './token-store';

export { TokenStore, TOKENS_AREA, TOKENS_MIGRATIONS, type TokenRecord, type Verification } from './token-store';
export { TOKEN_PREFIX, parseToken } from './token-secret';

const stores = new WeakMap<object, { db: Database.Database; store: TokenStore }>();

/**
 * The token store of an app (the API handlers and the REST/GraphQL server share it). Keyed by the app's
 * data folder object identity via `options`, which a per-Session view of the context shares with the real one.
 */
export function tokensFor(app: Pick<AppContext, 'options'>): TokenStore {
  let s = stores.get(app.options);
  if (!s) {
    const db = openAppStore(appStorePath(app.options.dataDir));
    s = { db, store: new TokenStore(db, app.options.workspaceDir) };
    stores.set(app.options, s);
  }
  return s.store;
}

/** Closes the store's file handle (tests and the CLI, which open and close contexts). */
export function closeTokens(app: Pick<AppContext, 'options'>): void {
  const s = stores.get(app.options);
  if (!s) return;
  stores.delete(app.options);
  s.db.close();
}
