/**
 * The sandbox org's sessions. In Salesforce an OAuth access token is a session id: it
 * carries no lifetime of its own and stays valid until the session times out after the
 * org's inactivity timeout (Setup > Session Settings, default 2 hours), each use extending
 * it (Salesforce Help, "Modify Session Security Settings": "Timeout Value"), or until it is
 * revoked (Salesforce Help, "Revoke OAuth Tokens Programmatically"). An access token looks
 * like `<15-char org id>!<opaque text>`. Static tokens given to the sandbox (like a session
 * id pasted from a real org) never time out; {@link SessionRegistry.expireAll} still ends
 * them, so tests can watch a client refresh.
 */
import { randomBytes } from 'node:crypto';
import type { SandboxClock } from '../../../src/connector/sandbox/clock.ts';

/** Salesforce's default session timeout: 2 hours of inactivity. */
export const DEFAULT_SESSION_TIMEOUT_MS = 2 * 3600_000;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** One session: who it acts as and when it was last used. */
export interface SandboxSession {
  token: string;
  /** `static` for a configured token, else the grant that issued it. */
  origin:
    'static' | 'refresh_token' | 'client_credentials' | 'jwt_bearer' | 'password' | 'soap_login' | 'outbound_message';
  /** The user the session acts as; undefined = the integration user (static tokens, resolved at use). */
  userId: string | undefined;
  /** The refresh token the session came from (revoking it ends the session). */
  refreshToken?: string;
  issuedAt: number;
  lastUsedAt: number;
}

/** Counts shown in `GET /_sandbox/stats`. */
export interface SessionStats {
  /** Sessions valid now. */
  active: number;
  /** Of them, configured static tokens. */
  static: number;
  /** Access tokens issued since the last reset. */
  issued: number;
  /** Sessions ended by timeout, `expireAll` or revocation since the last reset. */
  ended: number;
  /** Revoked refresh tokens. */
  revokedRefreshTokens: number;
}

/** Options of {@link SessionRegistry}. */
export interface SessionRegistryOptions {
  clock: SandboxClock;
  /** The org id (18 characters); tokens start with its first 15 and `!`. */
  orgId: string;
  /** Tokens accepted as they are, never timing out. */
  staticTokens?: readonly string[];
  /** Inactivity timeout, ms. Default {@link DEFAULT_SESSION_TIMEOUT_MS}. */
  timeoutMs?: number;
}

/** Random base-62 text of `length` characters. */
function base62(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += BASE62[b % 62];
  return out;
}

/** Issued and static sessions, driven by the sandbox clock. */
export class SessionRegistry {
  readonly timeoutMs: number;
  private readonly sessions = new Map<string, SandboxSession>();
  private readonly staticTokens: readonly string[];
  private readonly revokedRefresh = new Set<string>();
  private issued = 0;
  private ended = 0;

  constructor(private readonly options: SessionRegistryOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS;
    this.staticTokens = [...(options.staticTokens ?? [])];
    this.addStatic();
  }

  /** Issues a new access token acting as `userId`. */
  issue(userId: string, origin: SandboxSession['origin'], refreshToken?: string): SandboxSession {
    const now = this.options.clock.now();
    const token = `${this.options.orgId.slice(0, 15)}!AQ${base62(4)}.${base62(96)}`;
    const session: SandboxSession = {
      token,
      origin,
      userId,
      ...(refreshToken ? { refreshToken } : {}),
      issuedAt: now,
      lastUsedAt: now,
    };
    this.sessions.set(token, session);
    this.issued += 1;
    return session;
  }

  /** The session of a valid token, extended by this use; undefined when unknown, timed out or ended. */
  touch(token: string): SandboxSession | undefined {
    const session = this.sessions.get(token);
    if (!session) return undefined;
    const now = this.options.clock.now();
    if (session.origin !== 'static' && now - session.lastUsedAt >= this.timeoutMs) {
      this.end(token);
      return undefined;
    }
    session.lastUsedAt = now;
    return session;
  }

  /** Whether a token is a valid session (and extends it): what SOAP's SessionHeader check needs. */
  use(token: string): boolean {
    return this.touch(token) !== undefined;
  }

  /** Ends a session; false when the token was not a valid session. */
  revoke(token: string): boolean {
    if (!this.use(token)) return false;
    this.end(token);
    return true;
  }

  /** Revokes a refresh token and every session issued from it. */
  revokeRefreshToken(refreshToken: string): void {
    this.revokedRefresh.add(refreshToken);
    for (const s of [...this.sessions.values()]) if (s.refreshToken === refreshToken) this.end(s.token);
  }

  /** Whether a refresh token was revoked. */
  isRefreshTokenRevoked(refreshToken: string): boolean {
    return this.revokedRefresh.has(refreshToken);
  }

  /** Ends every session now, static ones included; returns how many ended. */
  expireAll(): number {
    const n = this.sessions.size;
    for (const token of [...this.sessions.keys()]) this.end(token);
    return n;
  }

  /** Forgets issued sessions and revocations; static tokens are valid again. */
  reset(): void {
    this.sessions.clear();
    this.revokedRefresh.clear();
    this.issued = 0;
    this.ended = 0;
    this.addStatic();
  }

  /** Counts for the control API. */
  stats(): SessionStats {
    const now = this.options.clock.now();
    let active = 0;
    let statics = 0;
    for (const s of this.sessions.values()) {
      if (s.origin === 'static') statics += 1;
      if (s.origin === 'static' || now - s.lastUsedAt < this.timeoutMs) active += 1;
    }
    return {
      active,
      static: statics,
      issued: this.issued,
      ended: this.ended,
      revokedRefreshTokens: this.revokedRefresh.size,
    };
  }

  private end(token: string): void {
    if (this.sessions.delete(token)) this.ended += 1;
  }

  private addStatic(): void {
    const now = this.options.clock.now();
    for (const token of this.staticTokens) {
      this.sessions.set(token, { token, origin: 'static', userId: undefined, issuedAt: now, lastUsedAt: now });
    }
  }
}
