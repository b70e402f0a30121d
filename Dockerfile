# syntax=docker/dockerfile:1
# ib-mcp: one image for every role (gateway, connector, sim, start); the command picks it.
# There is no build step: tsx (a production dependency) runs the TypeScript sources.

# Production dependencies only, exactly as the lockfile pins them; no install scripts run (none is needed:
# esbuild, under tsx, ships its binary as an optional dependency).
FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and read-only to the `node` user: the process cannot rewrite its own code.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY shared ./shared
COPY cli ./cli
COPY gateway ./gateway
COPY connector ./connector
COPY sim ./sim
USER node
EXPOSE 48012
# Meaningful for the gateway role (its default command): /ready means NATS is connected and the
# connector for its mode answers. Compose replaces it for the other roles.
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||48012)+'/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "--import", "tsx", "cli/main.ts"]
CMD ["gateway"]
