// Recently accepted delivery ids, so Zendesk's at-least-once retries are answered without Temporal.
// The workflow dedupes too; this only saves round trips, so losing it on restart is harmless.
export class RecentIds {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly max = 10_000,
    private readonly ttlMs = 60 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  has(id: string): boolean {
    const at = this.seen.get(id);
    if (at === undefined) return false;
    if (this.now() - at > this.ttlMs) {
      this.seen.delete(id);
      return false;
    }
    return true;
  }

  add(id: string): void {
    this.seen.delete(id);
    this.seen.set(id, this.now());
    // Map keeps insertion order: the first key is the oldest.
    while (this.seen.size > this.max) this.seen.delete(this.seen.keys().next().value!);
  }

  get size(): number {
    return this.seen.size;
  }
}
