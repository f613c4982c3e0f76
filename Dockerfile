# syntax=docker/dockerfile:1
# Multi-stage build: compile TypeScript with dev dependencies, then ship only
# production dependencies and the compiled output, running as a non-root user.
# Node 22, a supported LTS (until April 2027; Node 20 left support in April 2026).
# Not Node 24 yet: from 24.19 its node::ObjectWrap removes a cleanup hook in the
# destructor, and better-sqlite3 12 (built on ObjectWrap) aborts the process when the GC
# collects a statement ("Assertion failed: (env) != nullptr", nodejs/node#65446; CI saw it).
# better-sqlite3 13 (node-addon-api) does not; move to node:24 with it. package.json's
# engines stay >=20.19. .ci/node-lts runs the unit tests and the demo on this major too.

FROM node:22-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 builds from source when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY connectors ./connectors
RUN npm run build

FROM node:22-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim AS runtime
# FRONTBACK_HOST: a container must listen on every interface, or its published port
# reaches nothing (server.host defaults to 127.0.0.1 outside a container).
ENV NODE_ENV=production \
    FRONTBACK_CONFIG=/app/config/frontback.yaml \
    FRONTBACK_HOST=0.0.0.0
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY config ./config
COPY mappings ./mappings
# The embedded SQLite store lives in /app/data; mount a volume there.
RUN mkdir -p /app/data && chown -R node:node /app/data
USER node
EXPOSE 8080
# No HEALTHCHECK here: the roles listen on different ports (serve/start on server.port, a
# worker only with --port, migrate on none), so each service declares its own
# (compose.yaml; docs/deploy.md).
ENTRYPOINT ["node", "bin/frontback.js"]
CMD ["start"]
