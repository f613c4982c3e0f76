/**
 * The composition root: the only module that wires concrete connectors, store,
 * queue and server together. Each command lives in its own file under
 * src/cli/commands/ and registers itself on the program (src/cli/program.ts).
 */
import { buildProgram } from './program.ts';
import { runCli } from './run.ts';

await runCli(await buildProgram(process.argv.slice(2)), process.argv);
