import type { Migration, MigrationProvider } from 'kysely';
import type { StoreKind } from '../../store.ts';
import { initialMigration } from './0001-initial.ts';
import { lookupIndexesMigration } from './0002-lookup-indexes.ts';
import { leasesMigration } from './0003-leases.ts';
import { deadLetterSideMigration } from './0004-dead-letter-side.ts';
import { runPlansMigration } from './0005-run-plans.ts';
import { identityMatchingMigration } from './0006-identity-matching.ts';
import { runProgressMigration } from './0007-run-progress.ts';
import { auditAppendOnlyMigration } from './0008-audit-append-only.ts';
import { fieldProblemsMigration } from './0009-field-problems.ts';

/**
 * Every migration, listed explicitly (no folder scan, so bundling and tsx work
 * alike). Names sort in the order they run; never rename or edit a shipped one.
 */
export function migrationProvider(kind: StoreKind): MigrationProvider {
  return {
    getMigrations(): Promise<Record<string, Migration>> {
      return Promise.resolve({
        '0001-initial': initialMigration(kind),
        '0002-lookup-indexes': lookupIndexesMigration(),
        '0003-leases': leasesMigration(),
        '0004-dead-letter-side': deadLetterSideMigration(kind),
        '0005-run-plans': runPlansMigration(),
        '0006-identity-matching': identityMatchingMigration(kind),
        '0007-run-progress': runProgressMigration(),
        '0008-audit-append-only': auditAppendOnlyMigration(kind),
        '0009-field-problems': fieldProblemsMigration(),
      });
    },
  };
}
