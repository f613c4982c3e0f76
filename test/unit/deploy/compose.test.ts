/**
 * compose.yaml and the Dockerfile checked statically, since no Docker engine runs on the
 * test machines (issue #17, item 7): the file is valid Compose (against the Compose
 * Specification's own JSON schema, vendored in test/fixtures/compose-spec), everything it
 * mounts or builds from is in the repository, every service's healthcheck asks what that
 * service serves on a port it opens, on an interface other containers reach, and the
 * image is a supported Node LTS that runs as a non-root user.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import draft7 from 'ajv/dist/refs/json-schema-draft-07.json' with { type: 'json' };
import { describe, expect, it } from 'vitest';
import {
  effectiveHealthcheck,
  healthcheckTargets,
  listenerOf,
  readCompose,
  readDockerfile,
  type ComposeService,
} from '../../support/compose.ts';
import { projectRoot } from '../../support/env.ts';

const compose = readCompose();
const services = Object.entries(compose.services);
const stages = readDockerfile();
const image = stages[stages.length - 1]!;
/** Services that run the frontback image (built from the Dockerfile). */
const built = services.filter(([, s]) => s.build !== undefined);

/** The local paths a service reads from the repository: bind-mount sources, build context and Dockerfile, env files. */
function localPaths(service: ComposeService): string[] {
  const paths: string[] = [];
  for (const volume of service.volumes ?? []) {
    const source =
      typeof volume === 'string' ? volume.split(':')[0] : volume.type === 'bind' ? volume.source : undefined;
    // A named volume has no slash; a bind mount starts with ./, ../ or /.
    if (source !== undefined && /^(\.{1,2}\/|\/|\.$)/.test(source)) paths.push(source);
  }
  if (typeof service.build === 'string') paths.push(service.build, join(service.build, 'Dockerfile'));
  else if (service.build !== undefined) {
    const context = service.build.context ?? '.';
    paths.push(context, join(context, service.build.dockerfile ?? 'Dockerfile'));
  }
  for (const file of [service.env_file ?? []].flat()) paths.push(file);
  return paths;
}

describe('compose.yaml against the Compose Specification', () => {
  it('is valid against compose-spec.json', () => {
    const schema = JSON.parse(
      readFileSync(join(projectRoot, 'test/fixtures/compose-spec/compose-spec.json'), 'utf8'),
    ) as object;
    const ajv = new Ajv({ strict: false, allErrors: true });
    // The spec names draft-07 by its https:// address; Ajv knows the same meta-schema as http://.
    ajv.addMetaSchema({ ...draft7, $id: 'https://json-schema.org/draft-07/schema' });
    const validate = ajv.compile(schema);
    const valid = validate(compose);
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
    expect(problems).toEqual([]);
    expect(valid).toBe(true);
  });

  it.each(services)('%s: every file and folder it mounts or builds from is in the repository', (_name, service) => {
    const missing = localPaths(service).filter((p) => !existsSync(join(projectRoot, p)));
    expect(missing).toEqual([]);
  });
});

describe('compose.yaml: each healthcheck checks what its service serves', () => {
  it.each(built)('%s: a healthcheck on the port its command opens, or none when it opens none', (_name, service) => {
    const listener = listenerOf(service, image);
    const test = effectiveHealthcheck(service, image);
    if (listener.port === undefined) {
      // A one-shot job (migrate) or a worker without --port: a healthcheck could only fail.
      expect({ role: listener.role, healthcheck: test }).toEqual({ role: listener.role, healthcheck: undefined });
      return;
    }
    expect(test, `${listener.role} opens port ${listener.port} but has no healthcheck`).toBeDefined();
    const targets = healthcheckTargets(test ?? '');
    const path = listener.role === 'sandbox' ? '/_sandbox/stats' : '/readyz';
    expect(targets).toEqual([{ port: listener.port, path }]);
  });

  it.each(built.filter(([, s]) => listenerOf(s, image).port !== undefined))(
    '%s: listens on every interface, so its published port and other containers reach it',
    (_name, service) => {
      expect(listenerOf(service, image).host).toBe('0.0.0.0');
    },
  );

  it('serve publishes the port it listens on; the workers scale with a healthcheck each', () => {
    const serve = compose.services.serve!;
    const listener = listenerOf(serve, image);
    expect(serve.ports?.map((p) => Number(p.split(':').pop()))).toEqual([listener.port]);
    const worker = compose.services.worker!;
    expect((worker as { deploy?: { replicas?: number } }).deploy?.replicas).toBe(2);
    expect(listenerOf(worker, image).port).toBeDefined();
  });

  it('every service another waits on to be healthy has a healthcheck; so does every long-running one', () => {
    const awaited = services.flatMap(([, s]) =>
      Object.entries(s.depends_on ?? {})
        .filter(([, d]) => d.condition === 'service_healthy')
        .map(([name]) => name),
    );
    const longRunning = services.filter(([, s]) => s.restart !== 'no').map(([name]) => name);
    const without = [...new Set([...awaited, ...longRunning])].filter((name) => {
      const service = compose.services[name];
      return service === undefined || effectiveHealthcheck(service, service.build ? image : undefined) === undefined;
    });
    expect(without).toEqual([]);
    expect(effectiveHealthcheck(compose.services.redis!, undefined)).toMatch(/redis-cli ping/);
    expect(effectiveHealthcheck(compose.services.postgres!, undefined)).toMatch(/pg_isready/);
  });
});

describe('Dockerfile', () => {
  it('builds on a supported Node LTS (an even major, 22 or newer) in every stage', () => {
    const majors = stages.filter((s) => /^node:/.test(s.from)).map((s) => Number(/^node:(\d+)/.exec(s.from)?.[1]));
    expect(majors.length).toBeGreaterThan(0);
    for (const major of majors) expect({ major, lts: major >= 22 && major % 2 === 0 }).toEqual({ major, lts: true });
  });

  it('is multi-stage and runs as a non-root user', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(image.user).toBeDefined();
    expect(image.user).not.toMatch(/^(root|0)(:|$)/);
  });

  it('assumes no port for every role: no HEALTHCHECK in the image (each service declares its own)', () => {
    expect(image.healthcheck === undefined || /^NONE$/i.test(image.healthcheck)).toBe(true);
  });

  it('listens on every interface by default (FRONTBACK_HOST=0.0.0.0)', () => {
    expect(image.env.FRONTBACK_HOST).toBe('0.0.0.0');
  });
});
