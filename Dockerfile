# syntax=docker/dockerfile:1
# ib-mcp: one image for every role (gateway, connector, sim, start); the command picks it.
# The TypeScript sources are compiled in a build stage; the image runs plain JavaScript (about 50 MB less
# memory per process than running the sources through tsx).

# Production dependencies only, exactly as the lockfile pins them; no install scripts run (none is needed).
FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# All dependencies, to compile shared/, cli/, gateway/, connector/ and sim/ into dist/ (tsconfig.build.json).
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY shared ./shared
COPY cli ./cli
COPY gateway ./gateway
COPY connector ./connector
COPY sim ./sim
RUN npx tsc -p tsconfig.build.json

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and read-only to the `node` user: the process cannot rewrite its own code.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY --from=build /app/dist ./dist
# The one writable place: the order audit log (compose mounts a volume here, which inherits this owner).
RUN mkdir -p /app/audit && chown node:node /app/audit
USER node
EXPOSE 48012
# Meaningful for the gateway role (its default command): /ready means NATS is connected and the
# connector for its mode answers. Compose replaces it for the other roles.
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||48012)+'/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["gateway"]
