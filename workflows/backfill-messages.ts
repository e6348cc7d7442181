// Signals and queries of the backfill workflow, shared by the workflow and the CLI.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { BackfillProgress, BackfillTicketDone } from './backfill-types';

export const pauseBackfillSignal = defineSignal('backfillPause');
export const resumeBackfillSignal = defineSignal('backfillResume');
/** Stops after the page in flight; the report written so far is finalised. */
export const cancelBackfillSignal = defineSignal('backfillCancel');
/** Claim mode: go on posting Slack requests beyond the configured message limit. */
export const confirmClaimsSignal = defineSignal('backfillConfirmClaims');
export const backfillProgressQuery = defineQuery<BackfillProgress>('backfillProgress');
/** A per-ticket workflow the run started tells it how it ended (workflows/redaction.ts). */
export const backfillTicketDoneSignal = defineSignal<[BackfillTicketDone]>('backfillTicketDone');
