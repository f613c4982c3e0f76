/**
 * What the steps of one Odoo `write` share: the call's context and the builders of its
 * per-record results.
 */
import { ConnectorError, type WriteFailure, type WriteSuccess } from '../../src/connector/index.ts';
import { ErrorCode } from '../../src/errors.ts';
import type { OdooClient } from './client.ts';
import { LOAD_REFUSED } from './errors.ts';
import type { LoadResult } from './schemas.ts';
import type { FieldsOf, OdooFields } from './values.ts';

/** What a write needs. */
export interface WriteContext {
  /** Typed calls. */
  client: OdooClient;
  /** Connection name, for errors. */
  connection: string;
  /** Model written. */
  model: string;
  /** Its field types. */
  fields: OdooFields;
  /** Field types of comodels (one2many lines), loaded before the write. */
  fieldsOf: FieldsOf;
  /** Module of frontback's external ids. */
  module: string;
  /** Records per call. */
  batchSize: number;
}

/** A record refused before any call (a value that cannot be sent), with the reason. */
export const refuse = (ref: string, message: string): WriteFailure => ({
  ref,
  ok: false,
  error: { message, retryable: false },
});

/** A record written. */
export const ok = (ref: string, id: number | string, outcome: WriteSuccess['outcome']): WriteSuccess => ({
  ref,
  ok: true,
  id: String(id),
  outcome,
});

/** The failure of one record whose `load` row Odoo refused, in Odoo's words (its error messages, once each). */
export function loadFailure(ref: string, model: string, messages: LoadResult['messages']): WriteFailure {
  const errors = messages.filter((m) => m.type === 'error');
  const texts = [...new Set(errors.map((m) => m.message))];
  // `.id` and `id` are the row's key columns, not fields of the record.
  const fields = [
    ...new Set(
      errors.map((m) => m.field).filter((f): f is string => f !== undefined && f !== '' && f !== '.id' && f !== 'id'),
    ),
  ];
  return {
    ref,
    ok: false,
    error: {
      message: texts.length > 0 ? texts.join('; ') : `${model}.load wrote nothing and said why not`,
      vendorCode: LOAD_REFUSED,
      retryable: false,
      ...(fields.length > 0 ? { fields } : {}),
    },
  };
}

/**
 * True when Odoo refused what was sent (a bad record), as opposed to a call that could not
 * be made (network, auth, a missing right: 403) or a malformed answer: only a refusal is
 * worth isolating record by record.
 */
export function isRefusal(err: unknown): err is ConnectorError {
  return (
    err instanceof ConnectorError &&
    !err.retryable &&
    err.code === ErrorCode.Connector &&
    (err.status === undefined || (err.status < 500 && ![401, 403, 408, 429].includes(err.status)))
  );
}

/** The answer of a call that wrote a different number of records than it was given: not trusted. */
export function countMismatch(ctx: WriteContext, call: string, got: number, sent: number): ConnectorError {
  return new ConnectorError(`${ctx.model}.${call} answered ${got} ids for ${sent} records`, {
    connection: ctx.connection,
    code: ErrorCode.InvalidResponse,
    retryable: false,
  });
}
