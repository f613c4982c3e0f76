/**
 * The console's static files, served from the package (no CDN: admins may run frontback
 * offline): htmx (the `htmx.org` package), Pico's classless stylesheet (`@picocss/pico`)
 * and the console's own few rules (assets/console.css). Read once at start, sent with a
 * day of caching and their content type.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

/** The files, by their name under `/console/assets/`. */
const FILES: Readonly<Record<string, { path: () => string; type: string }>> = {
  'htmx.min.js': { path: () => require.resolve('htmx.org/dist/htmx.min.js'), type: 'text/javascript; charset=utf-8' },
  'pico.classless.min.css': {
    path: () => require.resolve('@picocss/pico/css/pico.classless.min.css'),
    type: 'text/css; charset=utf-8',
  },
  'console.css': { path: () => join(here, 'assets', 'console.css'), type: 'text/css; charset=utf-8' },
  'console.js': { path: () => join(here, 'assets', 'console.js'), type: 'text/javascript; charset=utf-8' },
};

/** Registers `GET <prefix>/assets/<file>` for each file (no session needed: nothing in them is private). */
export function assetRoutes(app: FastifyInstance): void {
  const loaded = new Map(
    Object.entries(FILES).map(([name, f]) => [name, { body: readFileSync(f.path()), type: f.type }]),
  );
  app.get<{ Params: { file: string } }>('/assets/:file', async (request, reply) => {
    const file = loaded.get(request.params.file);
    if (file === undefined) return reply.code(404).type('text/plain').send('no such asset');
    return reply
      .header('cache-control', 'public, max-age=86400')
      .header('x-content-type-options', 'nosniff')
      .type(file.type)
      .send(file.body);
  });
}
