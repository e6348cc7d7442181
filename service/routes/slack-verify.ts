// Slack's v0 request signature, checked on the raw body before anything else is read.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { loggablePath } from '../codec-server';
import { header, rawBodyOf, sendError } from '../http';
import { verifySlackRequest } from '../slack-signature';
import type { RouteContext } from './context';

/** The raw body when the signature holds; otherwise a 401 has been sent and undefined is returned. */
export function verifySlack(ctx: RouteContext, req: FastifyRequest, reply: FastifyReply): Buffer | undefined {
  const { config, log, now } = ctx;
  const raw = rawBodyOf(req);
  const check = verifySlackRequest(
    config.SLACK_SIGNING_SECRET,
    raw,
    header(req, 'x-slack-request-timestamp'),
    header(req, 'x-slack-signature'),
    now(),
  );
  if (check.ok) return raw;
  log.warn({ path: loggablePath(req.url), reason: check.reason }, 'slack request rejected: signature');
  sendError(reply, 401, 'invalid_signature', `Slack signature rejected: ${check.reason}.`);
  return undefined;
}
