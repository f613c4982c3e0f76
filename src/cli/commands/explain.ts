/**
 * `frontback explain <mapping> <side> <id>`: what a pass would do with that one record and
 * why (src/sync/explain.ts): its partner and how it was found, and per field what is
 * written, what has nothing to do, what flows the other way only, what conflicts under
 * which rule, and what is left out. The record is read by id and planned by the same code
 * as a pass's pages (src/sync/plan.ts); nothing is written to either system, and the store
 * is only read. `--json` prints the explanation as JSON.
 */
import { Argument, type Command } from 'commander';
import { ErrorCode, FrontbackError } from '../../errors.ts';
import type { Side } from '../../mapping/spec.ts';
import { createStore } from '../../store/sql/create-store.ts';
import { formatExplanation } from '../../sync/explain.ts';
import { explainRecord } from '../../sync/explain-record.ts';
import { loadCliConfig, requireConfiguration } from '../config.ts';
import { openConnectors } from '../connections.ts';
import { cliLog } from '../log-format.ts';
import { mappingById } from '../mapping-by-id.ts';

/** Registers `explain`. */
export function registerExplainCommand(program: Command): void {
  program
    .command('explain')
    .description('what a sync pass would do with one record, and why (identity, then field by field); writes nothing')
    .argument('<mapping>', 'mapping id')
    .addArgument(new Argument('<side>', 'side the record is on').choices(['crm', 'erp']))
    .argument('<id>', "the record's id on that side")
    .option('--json', 'print the explanation as JSON')
    .action(async (wanted: string, side: Side, id: string, options: { json?: boolean }, command: Command) => {
      const config = loadCliConfig(command);
      requireConfiguration(config);
      const { mapping } = mappingById(config, wanted);
      const level = config.logging.level === 'info' ? 'warn' : config.logging.level;
      const { logger } = cliLog(config, command, { to: 'stderr', level });
      const open = openConnectors(config, { logger });
      const crm = open.connectors.get(mapping.sides.crm.connection);
      const erp = open.connectors.get(mapping.sides.erp.connection);
      const store = await createStore({ url: config.store.url });
      try {
        if (!crm || !erp) throw new FrontbackError(ErrorCode.Config, `a connection of ${mapping.id} has no connector`);
        const explanation = await explainRecord({ mapping, connectors: { crm, erp }, store }, side, id);
        process.stdout.write(
          options.json === true
            ? `${JSON.stringify({ mapping: mapping.id, ...explanation }, null, 2)}\n`
            : formatExplanation(mapping, explanation),
        );
      } finally {
        await open.close();
        await store.close();
      }
    });
}
