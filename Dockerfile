# One image for both processes: the worker (`npm run worker`) and the HTTP service (`npm run service`).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# Workflow code is bundled once, at build time: workers start without webpack and run exactly the
# code this image (and its TEMPORAL_BUILD_ID) was built from. The bundle holds the failure converter.
RUN npm run build:bundle
# The CLI too: `redactor scan` then starts without compiling TypeScript (bin/redactor.js falls back to source).
RUN npm run build:cli
ENV WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
USER node
EXPOSE 3000
CMD ["npm", "run", "service"]
