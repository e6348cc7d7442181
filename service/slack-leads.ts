// Who may claim: SLACK_LEAD_USER_IDS plus members of SLACK_LEAD_USERGROUP_ID.
// usergroups.users.list is Tier 2 (fact sheet §6), so membership is cached for a few minutes.
import type { WebClient } from '@slack/web-api';

export interface LeadDirectoryOptions {
  slack: WebClient;
  leadUserIds: readonly string[];
  usergroupId?: string;
  ttlMs?: number;
  now?: () => number;
}

export class LeadDirectory {
  private readonly staticLeads: ReadonlySet<string>;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private cached?: { members: ReadonlySet<string>; fetchedAt: number };
  private inflight?: Promise<ReadonlySet<string>>;

  constructor(private readonly opts: LeadDirectoryOptions) {
    this.staticLeads = new Set(opts.leadUserIds);
    this.ttlMs = opts.ttlMs ?? 5 * 60_000;
    this.now = opts.now ?? Date.now;
  }

  /** True for a configured lead. Rejects only when the group cannot be read and nothing is cached. */
  async isLead(userId: string): Promise<boolean> {
    if (this.staticLeads.has(userId)) return true;
    if (!this.opts.usergroupId) return false;
    const members = await this.groupMembers();
    return members.has(userId);
  }

  private async groupMembers(): Promise<ReadonlySet<string>> {
    const cached = this.cached;
    if (cached && this.now() - cached.fetchedAt < this.ttlMs) return cached.members;
    // One call at a time, however many clicks arrive together.
    this.inflight ??= this.fetchGroup().finally(() => (this.inflight = undefined));
    try {
      return await this.inflight;
    } catch (err) {
      // A stale list beats refusing every lead while Slack has a bad minute.
      if (cached) return cached.members;
      throw err;
    }
  }

  private async fetchGroup(): Promise<ReadonlySet<string>> {
    const res = await this.opts.slack.usergroups.users.list({ usergroup: this.opts.usergroupId! });
    const members = new Set(res.users ?? []);
    this.cached = { members, fetchedAt: this.now() };
    return members;
  }
}
