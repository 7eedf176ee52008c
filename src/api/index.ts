/** The JSON API: the app factory and the session stores. This file only re-exports. */
export { buildApp, BODY_LIMIT, type AppOptions } from './app.js';
export { MemoryStore, effectiveInputs, median, type SessionStore, type SessionEvent, type SessionMeta, type SessionRecord, type SessionProgress, type StoreStats, type WriteResult } from './store.js';
export { SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
export { ApiError, ERROR_STATUS, type ErrorCode } from './errors.js';
export { EMBED_JS, embedPage } from './embed.js';
