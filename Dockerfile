# One image for every Refinery process (worker io/compute, api, migrations); the command picks the
# role. Two stages: production dependencies are installed apart, and the final image holds only
# what runs (no tests, benchmarks or dev tools). Node 24 is an LTS line; the tag is pinned.
FROM node:24.11.1-bookworm-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund && npm cache clean --force

FROM node:24.11.1-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY bin ./bin
COPY cli ./cli
COPY api ./api
COPY engine ./engine
COPY domains ./domains
COPY lib ./lib
COPY migrations ./migrations
# Object storage (datasets, model artifacts) when STORAGE_DIR=/objects on a shared volume.
RUN mkdir -p /objects && chown node:node /objects
USER node
ENTRYPOINT ["node", "bin/refinery"]
CMD ["--help"]
