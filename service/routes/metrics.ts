// GET /metrics (Prometheus text format): visibility-derived request and backfill metrics, plus the
// worker's activity metrics when the worker runs in this process.
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { createServiceMetrics, type ServiceMetrics } from '../../metrics/service';

/** Registers `GET /metrics` on the HTTP service. */
export function registerMetrics(app: FastifyInstance, temporal: Client): ServiceMetrics {
  const metrics = createServiceMetrics(temporal);
  app.get('/metrics', async (_req, reply) => {
    const text = await metrics.text();
    return reply.code(200).header('Content-Type', metrics.registry.contentType).send(text);
  });
  return metrics;
}
