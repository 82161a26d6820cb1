/** Governance: who a caller is, what they may see and change. Enforced in the engine, never in a prompt. */
export { AccessScope, buildScope, ownerScope, needsSubordinates, type ObjectAccess, type RowFilter } from './access-scope';
export { applyPermissions, rowCondition, nothing, type PermissionContext } from './apply-permissions';
export { Governor, SUBORDINATES_TTL_MS, type GovernorDeps } from './governor';
export { scopedObject, scopedResolver, scopedWorkspace } from './scoped-metadata';
export { computeSubordinates, HIERARCHY_ROW_CAP } from './subordinates';
export { substituteTokens, tokenValue } from './user-tokens';
export { PermissionDeniedError, UnknownSessionUserError } from './errors';
export { executeWrite, type WriteKind, type WriteRequest, type WriteOutcome, type KeyInput } from './write-path';
