/**
 * The engine half of the sync benchmark in its own process (bench/sync.bench.ts starts it):
 * `node bin/run-ts.js bench/sync-engine.ts '<EngineOptions as JSON>'` runs one pass against
 * the sandboxes at the given URLs and prints its {@link EngineResult} as one JSON line. Its
 * own process, so that the peak RSS it reports is the engine's, not the sandboxes'.
 */
import { runEngine, type EngineOptions } from './sync-rig.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as EngineOptions;
const result = await runEngine(options);
process.stdout.write(`${JSON.stringify(result)}\n`);
