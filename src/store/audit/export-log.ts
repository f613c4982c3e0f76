/**
 * An `audit export` file (JSON lines, from the first entry) read as a log to verify on a
 * machine without the database: each entry's canonical text is re-derived from its
 * exported fields (RFC 8785 does not depend on key order), re-hashed and chained.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { AuditEntry, AuditRepository, AuditVerifyOptions, AuditVerifyResult } from '../audit-repository.ts';
import { AUDIT_FORMAT_VERSION, canonicalText, type HashedEntry } from './canonical.ts';
import { ChainVerifier } from './chain-verifier.ts';

/** The log in an export file; `verify` streams it once. */
export function exportedLog(file: string): Pick<AuditRepository, 'verify'> {
  return {
    async verify(options: AuditVerifyOptions = {}): Promise<AuditVerifyResult> {
      const verifier = new ChainVerifier(options.anchors);
      const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
      let lineNo = 0;
      for await (const line of lines) {
        lineNo += 1;
        if (line.trim() === '') continue;
        let row;
        try {
          const { hash, ...fields } = JSON.parse(line) as Omit<AuditEntry, 'canonical'>;
          const canonical = canonicalText({ v: AUDIT_FORMAT_VERSION, ...fields } as HashedEntry);
          row = { seq: fields.seq, at: fields.at, prev_hash: fields.prevHash, hash, canonical };
        } catch {
          lines.close();
          const seq = verifier.count + 1;
          return {
            ok: false,
            count: verifier.count,
            firstBroken: { seq, reason: `${file}:${lineNo} is not an entry` },
          };
        }
        if (!verifier.push(row, undefined)) {
          lines.close();
          return { ok: false, count: verifier.count, firstBroken: verifier.broken! };
        }
      }
      return { ok: true, count: verifier.count, head: verifier.head };
    },
  };
}
