/**
 * Governance for one open workspace: who a Session is, what they may see (visibility, computed
 * synchronously for the engine's resolver) and which rows (record rules, which may need
 * `$user.subordinates` — read from the hierarchy, audited as the user, cached briefly).
 *
 * There is no system identity: a Session whose user is not a workspace user is refused. A workspace that
 * declares no users belongs to whoever runs it (the OS account AppContext signs in): that owner reads
 * every object, field and row, and writes nothing — declare users and permission sets to allow writes.
 */
import type { AuditInput } from '../audit';
import type { Workspace } from '../metadata';
import type { UserDefinition } from '../metadata/security-config';
import type { ObjectQL } from '../objectql/engine';
import type { Session } from '../../shared/api/session';
import { AccessScope, buildScope, needsSubordinates, ownerScope } from './access-scope';
import { computeSubordinates } from './subordinates';
import { UnknownSessionUserError } from './errors';

export interface GovernorDeps {
  /** The user AppContext signed in when the workspace declares none (the owner). */
  owner: () => UserDefinition;
  /** An engine over the full metadata, used only to read the hierarchy's key and parent columns. */
  hierarchyEngine: () => ObjectQL;
  audit: (entry: AuditInput) => Promise<void>;
  now?: () => number;
}

/** How long a computed `$user.subordinates` is reused; a workspace reload forgets it at once. */
export const SUBORDINATES_TTL_MS = 30_000;

export class Governor {
  private visibility = new WeakMap<Workspace, Map<string, AccessScope>>();
  private rows = new WeakMap<Workspace, Map<string, { scope: AccessScope; at: number }>>();

  constructor(private readonly deps: GovernorDeps) {}

  /** The workspace user a Session acts as. */
  userOf(ws: Workspace, session: Pick<Session, 'user'>): UserDefinition {
    if (ws.users.size === 0) {
      const owner = this.deps.owner();
      if (session.user === owner.name) return owner;
    } else {
      const u = ws.users.get(session.user);
      if (u) return u;
    }
    throw new UnknownSessionUserError(session.user, [...ws.users.keys()]);
  }

  /** Objects and fields the user can read (row rules not resolved): what the resolver and describe use. */
  visibilityOf(ws: Workspace, user: UserDefinition): AccessScope {
    let byUser = this.visibility.get(ws);
    if (!byUser) this.visibility.set(ws, (byUser = new Map()));
    let scope = byUser.get(user.name);
    if (!scope) {
      scope = ws.users.size === 0 ? ownerScope(ws, user) : buildScope(ws, user);
      byUser.set(user.name, scope);
    }
    return scope;
  }

  /** The full scope with record rules resolved for this user; may read (and audit) the hierarchy. */
  async scopeOf(ws: Workspace, user: UserDefinition, session: Session): Promise<AccessScope> {
    if (ws.users.size === 0 || !needsSubordinates(ws, user)) return this.visibilityOf(ws, user);
    const now = (this.deps.now ?? Date.now)();
    let byUser = this.rows.get(ws);
    if (!byUser) this.rows.set(ws, (byUser = new Map()));
    const hit = byUser.get(user.name);
    if (hit && now - hit.at < SUBORDINATES_TTL_MS) return hit.scope;
    const started = performance.now();
    const base = { user: session.user, via: session.via, reason: 'computing $user.subordinates for record rules', operation: 'security.subordinates', object: ws.config.hierarchy?.object };
    let result;
    try {
      result = await computeSubordinates(ws, user, this.deps.hierarchyEngine());
    } catch (e) {
      await this.deps.audit({ ...base, outcome: 'error', errorCode: 'internal', durationMs: performance.now() - started });
      throw e;
    }
    await this.deps.audit({ ...base, ast: result.query, rowCount: result.rowsRead, outcome: 'ok', durationMs: performance.now() - started });
    const scope = buildScope(ws, user, result.keys);
    byUser.set(user.name, { scope, at: now });
    return scope;
  }

  /** After a workspace reload or a data change that may move people in the hierarchy. */
  forget(): void {
    this.visibility = new WeakMap();
    this.rows = new WeakMap();
  }
}
