/**
 * Who may call the sandbox. Odoo 14+ accepts an API key wherever a password goes; the
 * sandbox knows two users: `admin` (uid 2, as in every Odoo database) with full rights
 * and `readonly` (uid 3) who may read but not write (for AccessError tests). The keys
 * are sandbox-only fakes, documented in docs/sandboxes.md; they protect nothing real.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { OdooError, accessDenied } from './errors.ts';
import type { Caller } from './orm/orm.ts';

/** Default database name. */
export const DEFAULT_DB = 'odoo';
/** Default API key of `admin` (a sandbox-only fake). */
export const DEFAULT_API_KEY = 'sandbox-odoo-key';
/** Default API key of `readonly` (a sandbox-only fake). */
export const DEFAULT_READONLY_KEY = 'sandbox-odoo-readonly-key';

/** One sandbox user. */
export interface SandboxUser {
  /** User id. */
  uid: number;
  /** Login. */
  login: string;
  /** Display name. */
  name: string;
  /** API key (used as the password). */
  apiKey: string;
  /** May create/write/unlink. */
  canWrite: boolean;
}

/** Options of {@link OdooAuth}. */
export interface AuthOptions {
  /** Database name; default `odoo`. */
  db?: string;
  /** admin's key; default `sandbox-odoo-key`. */
  apiKey?: string;
  /** readonly's key; default `sandbox-odoo-readonly-key`. */
  readonlyApiKey?: string;
}

function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** Authentication for the three transports. */
export class OdooAuth {
  readonly db: string;
  readonly users: readonly SandboxUser[];

  constructor(options: AuthOptions = {}) {
    this.db = options.db ?? DEFAULT_DB;
    this.users = [
      { uid: 2, login: 'admin', name: 'Mitchell Admin', apiKey: options.apiKey ?? DEFAULT_API_KEY, canWrite: true },
      {
        uid: 3,
        login: 'readonly',
        name: 'Read Only',
        apiKey: options.readonlyApiKey ?? DEFAULT_READONLY_KEY,
        canWrite: false,
      },
    ];
  }

  /** Raises what Odoo raises for an unknown database name. */
  checkDb(db: unknown): void {
    if (db !== this.db) {
      throw new OdooError(
        'psycopg2.OperationalError',
        `connection to server failed: FATAL:  database "${String(db)}" does not exist`,
      );
    }
  }

  /** `common.authenticate(db, login, key, env)`: the uid, or false. */
  authenticate(db: unknown, login: unknown, key: unknown): number | false {
    this.checkDb(db);
    const user = this.users.find((u) => u.login === login);
    return user && typeof key === 'string' && sameSecret(key, user.apiKey) ? user.uid : false;
  }

  /** Checks `(db, uid, key)` of an execute_kw; AccessDenied when wrong. */
  check(db: unknown, uid: unknown, key: unknown): Caller {
    this.checkDb(db);
    const user = this.users.find((u) => u.uid === uid);
    if (!user || typeof key !== 'string' || !sameSecret(key, user.apiKey)) throw accessDenied();
    return { uid: user.uid, canWrite: user.canWrite };
  }

  /** JSON-2: the caller for a bearer key; AccessDenied when unknown. */
  bearer(authorization: string | undefined): Caller {
    const m = /^bearer\s+(.+)$/i.exec(authorization?.trim() ?? '');
    const key = m?.[1]?.trim() ?? '';
    const user = this.users.find((u) => key !== '' && sameSecret(key, u.apiKey));
    if (!user) throw new OdooError('odoo.exceptions.AccessDenied', 'Invalid apikey');
    return { uid: user.uid, canWrite: user.canWrite };
  }
}
