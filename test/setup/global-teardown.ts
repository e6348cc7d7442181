export default async function globalTeardown(): Promise<void> {
  const server = globalThis.__TEMPORAL_DEV_SERVER__;
  if (server) {
    await server.stop();
    globalThis.__TEMPORAL_DEV_SERVER__ = undefined;
  }
}
