// What every route module gets from buildServer: clients, settings and the shared helpers.
import type { FastifyBaseLogger } from 'fastify';
import type { WebClient } from '@slack/web-api';
import type { Client } from '@temporalio/client';
import type { Config } from '../../config';
import type { LeadDirectory } from '../slack-leads';
import type { RecentIds } from '../webhook-dedupe';

export interface Timeouts {
  /** signalWithStart for a webhook; Zendesk gives up after about 10 s. */
  signalMs: number;
  /** `/redaction status` query; Slack gives up after 3 s. */
  statusQueryMs: number;
  /** Claim update; runs after the 200, so it may take longer. */
  claimMs: number;
  /** Health check RPC. */
  healthMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { signalMs: 5_000, statusQueryMs: 2_500, claimMs: 30_000, healthMs: 2_000 };

export interface RouteContext {
  config: Config;
  temporal: Client;
  slack: WebClient;
  log: FastifyBaseLogger;
  now: () => number;
  timeouts: Timeouts;
  leads: LeadDirectory;
  recentDeliveries: RecentIds;
  /** Runs work after the HTTP reply; failures are logged, never thrown into the void. */
  afterReply(what: string, work: () => Promise<void>): void;
}
