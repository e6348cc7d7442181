# One image for both processes: the worker (`npm run worker`) and the HTTP service (`npm run service`).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
USER node
EXPOSE 3000
CMD ["npm", "run", "service"]
