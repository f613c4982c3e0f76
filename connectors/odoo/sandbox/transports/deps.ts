/** What every transport needs. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxKit } from '../../../../src/connector/sandbox/kit.ts';
import type { OdooAuth } from '../auth.ts';
import type { Change } from '../orm/env.ts';
import type { OdooOrm } from '../orm/orm.ts';

/** Shared pieces handed to each transport. */
export interface TransportDeps {
  auth: OdooAuth;
  orm: OdooOrm;
  kit: SandboxKit;
}

/**
 * After a committed write: counts it, and applies an armed dropAfterCommit fault.
 * True when the connection was dropped (the handler must not reply).
 */
export function afterWrite(
  deps: TransportDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  changes: readonly Change[],
): boolean {
  if (changes.length === 0) return false;
  deps.kit.recordWrite(request, changes.length);
  return deps.kit.afterCommit(request, reply);
}
