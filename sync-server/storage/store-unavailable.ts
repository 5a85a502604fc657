// The error a shared store throws when its database could not be reached (or the connection broke mid-way): nothing
// of that write was acknowledged, and the same request may succeed once the database is back. The API answers it with
// 503 and says so; kept apart from the PostgreSQL modules so the single-node relay never loads `pg` to recognise it.
export class StoreUnavailable extends Error {}
