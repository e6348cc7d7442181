// Signals, queries and updates of the redaction workflow, in one place for clients and workflow.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Claim, ClaimResult, MergeDecision, RedactionRequest, RedactionStatus } from './types';

/** A new trigger for the ticket; used with signalWithStart so one ticket has one workflow. */
export const requestSignal = defineSignal<[RedactionRequest]>('request');
/** A lead takes the request (fire-and-forget form). */
export const claimSignal = defineSignal<[Claim]>('claim');
/** A lead takes the request; the validator rejects a second claim, so concurrent clicks yield one owner. */
export const claimUpdate = defineUpdate<ClaimResult, [Claim]>('tryClaim');
export const statusQuery = defineQuery<RedactionStatus>('status');
/** A lead answers an unclear merge instruction ("Merge into #N" / "Don't merge"). */
export const mergeDecisionUpdate = defineUpdate<MergeDecision, [MergeDecision]>('decideMerge');
