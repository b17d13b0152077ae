# Hearth for Fly.io (or any container host), on the official Bun image.
ARG BUN_VERSION=1.4.5

FROM oven/bun:${BUN_VERSION}-slim AS deps
WORKDIR /app
COPY package.json bun.lock ./
RUN bun install --frozen-lockfile --production

FROM oven/bun:${BUN_VERSION}-slim
WORKDIR /app
ENV NODE_ENV=production PORT=8080
COPY --from=deps /app/node_modules ./node_modules
COPY package.json bun.lock tsconfig.json ./
COPY src ./src
COPY rooms ./rooms
COPY drizzle ./drizzle
COPY scripts ./scripts
# The web app is bundled by the server on its first request to /app (src/modules/web).
COPY web ./web
COPY client ./client
USER bun
EXPOSE 8080
CMD ["bun", "src/main.ts"]
