# One image for every Refinery process (worker io/compute, api, migrations); the command picks the role.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional && npm cache clean --force
COPY . .
ENV NODE_ENV=production
USER node
ENTRYPOINT ["node", "bin/refinery"]
CMD ["--help"]
