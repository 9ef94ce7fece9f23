# One image for both apps (and db:migrate): the gateway by default, or
# `node --heap-growing-percent=50 --max-semi-space-size=8 dist/apps/worker/src/main.js` for the
# command worker, without the new-space flag for the jobs worker (README, "Memory").
# Build: install everything, generate the Prisma client, compile; then keep production dependencies only.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# db:migrate reads the migrations from here.
COPY --from=build /app/prisma ./prisma
USER node
CMD ["node", "--heap-growing-percent=40", "--max-semi-space-size=4", "dist/apps/gateway/src/main.js"]
