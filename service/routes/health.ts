// GET /healthz: 200 when Temporal answers, 503 with the reason otherwise.
import type { FastifyInstance } from 'fastify';
import { shortReason } from '../http';
import type { RouteContext } from './context';

export function registerHealth(app: FastifyInstance, ctx: RouteContext): void {
  const { temporal, timeouts } = ctx;

  app.get('/healthz', async (_req, reply) => {
    try {
      await temporal.connection.withDeadline(Date.now() + timeouts.healthMs, () => temporal.workflowService.getSystemInfo({}));
      return reply.code(200).send({ status: 'ok' });
    } catch (err) {
      return reply.code(503).send({
        status: 'unavailable',
        error: 'temporal_unavailable',
        message: `Temporal is not reachable: ${shortReason(err)}`,
      });
    }
  });
}
