// Long activities heartbeat while they work, so a worker lost mid-way is noticed within the heartbeat timeout.
import { heartbeat } from '@temporalio/activity';

/** Runs `work`, heartbeating at once and then every `everyMs` until it settles. */
export async function whileHeartbeating<T>(everyMs: number, work: () => Promise<T>): Promise<T> {
  heartbeat();
  const beat = setInterval(() => heartbeat(), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(beat);
  }
}
