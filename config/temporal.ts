// The configured Temporal address and the one error for "not reachable there" (service, worker and CLI).

export const DEFAULT_TEMPORAL_ADDRESS = 'localhost:7233';

/** Temporal could not be reached: names the address, so the operator knows which setting to fix. */
export class TemporalUnreachableError extends Error {
  constructor(
    readonly address: string,
    reason: string,
  ) {
    super(`cannot reach Temporal at ${address} (${reason}); is it running? (TEMPORAL_ADDRESS, or start everything with npm start)`);
    this.name = 'TemporalUnreachableError';
  }
}

/** The first line of a connection error, without gRPC's stack of causes. */
export function connectionReason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]!.slice(0, 200);
}
