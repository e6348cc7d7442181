// A stand-in for the service's Slack endpoint: verifies Slack's signature with its own HMAC code
// (independent of sandbox/slack/signing.ts) and records what arrived.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  headers: IncomingMessage['headers'];
  rawBody: string;
  form: Record<string, string>;
  signatureValid: boolean;
}

export interface Receiver {
  url: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

function validSignature(secret: string, req: IncomingMessage, rawBody: string): boolean {
  const ts = req.headers['x-slack-request-timestamp'];
  const sig = req.headers['x-slack-signature'];
  if (typeof ts !== 'string' || typeof sig !== 'string') return false;
  if (Math.abs(Date.now() / 1000 - Number(ts)) > 300) return false;
  const hmac = createHmac('sha256', secret);
  hmac.update('v0:');
  hmac.update(ts);
  hmac.update(':');
  hmac.update(rawBody);
  const expected = Buffer.from(`v0=${hmac.digest('hex')}`, 'utf8');
  const given = Buffer.from(sig, 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * `respond` decides the answer; by default 401 for a bad signature, else 200 with an empty body.
 */
export async function startReceiver(
  secret: string,
  respond?: (r: ReceivedRequest, res: ServerResponse) => void | Promise<void>,
): Promise<Receiver> {
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const form: Record<string, string> = {};
      for (const [k, v] of new URLSearchParams(rawBody)) form[k] = v;
      const r: ReceivedRequest = { headers: req.headers, rawBody, form, signatureValid: validSignature(secret, req, rawBody) };
      received.push(r);
      if (respond) {
        void Promise.resolve(respond(r, res)).catch(() => {
          res.statusCode = 500;
          res.end();
        });
        return;
      }
      res.statusCode = r.signatureValid ? 200 : 401;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/slack/events`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
