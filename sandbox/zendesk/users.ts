// Users API of the emulator: GET /users/{id} and /users/show_many. Roles follow Zendesk: end-user,
// agent, admin. The API user is an admin, AGENT_USER_ID an agent; requesters and other authors seen
// on tickets are end users unless registered otherwise.
import { ApiError } from './errors';
import { API_USER_ID, type ZendeskStore } from './store';

export const AGENT_USER_ID = 900002;

export type UserRole = 'end-user' | 'agent' | 'admin';

export interface SandboxUser {
  id: number;
  name: string;
  email: string;
  role: UserRole;
}

export class SandboxUsers {
  private readonly users = new Map<number, SandboxUser>();

  constructor(private readonly store: () => ZendeskStore) {
    this.reset();
  }

  reset(): void {
    this.users.clear();
    this.add({ id: API_USER_ID, name: 'API user', email: 'bot@example.com', role: 'admin' });
    this.add({ id: AGENT_USER_ID, name: 'Sandbox agent', email: 'agent@example.com', role: 'agent' });
  }

  add(user: SandboxUser): void {
    this.users.set(user.id, user);
  }

  /** A registered user, or an end user that appears on some ticket (requester or comment author). */
  find(id: number): SandboxUser | undefined {
    const known = this.users.get(id);
    if (known) return known;
    const store = this.store();
    for (const t of store.tickets.values()) {
      if (t.requesterId === id || t.comments.some((c) => c.authorId === id)) return { id, name: `End user ${id}`, email: `user${id}@example.com`, role: 'end-user' };
    }
    return undefined;
  }

  render(u: SandboxUser): Record<string, unknown> {
    return { id: u.id, url: `${this.store().baseUrl}/api/v2/users/${u.id}.json`, name: u.name, email: u.email, role: u.role, active: true, suspended: false };
  }

  show(id: number): Record<string, unknown> {
    const u = this.find(id);
    if (!u) throw new ApiError(404, { error: 'RecordNotFound', description: 'Not found' });
    return { user: this.render(u) };
  }

  /** Unknown ids are left out, as Zendesk does. */
  showMany(ids: string | undefined): Record<string, unknown> {
    const list = (ids ?? '').split(',').map((s) => Number(s.trim())).filter((n) => Number.isSafeInteger(n) && n > 0);
    return { users: list.map((id) => this.find(id)).filter((u): u is SandboxUser => !!u).map((u) => this.render(u)) };
  }
}
