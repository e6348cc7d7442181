// Small helpers shared by the routes: headers, raw bodies, error replies and safe error text.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isGrpcServiceError } from '@temporalio/client';
import { maskCardNumbers } from '../security/mask';

interface ErrorBody {
  error: string;
  message: string;
}

export function header(req: FastifyRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function rawBodyOf(req: FastifyRequest): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

export function sendError(reply: FastifyReply, status: number, error: string, message: string): FastifyReply {
  return reply.code(status).send({ error, message: maskCardNumbers(message) } satisfies ErrorBody);
}

/** gRPC status code of a Temporal client error, if it has one. */
export function grpcCode(err: unknown): number | undefined {
  if (isGrpcServiceError(err)) return err.code;
  const cause = (err as { cause?: unknown } | undefined)?.cause;
  return cause !== undefined && cause !== err ? grpcCode(cause) : undefined;
}

export function shortReason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return maskCardNumbers(text.split('\n')[0]!.slice(0, 200));
}

export function sleep(ms: number): Promise<'timeout'> {
  return new Promise((resolve) => setTimeout(() => resolve('timeout'), ms).unref());
}
