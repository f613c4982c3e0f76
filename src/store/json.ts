/** A value that survives a JSON round trip unchanged (no undefined, NaN, Infinity, Date). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };
