// Entry point the worker bundles: every workflow type it serves.
export { redactionWorkflow } from './redaction';
export { backfillWorkflow } from './backfill';
