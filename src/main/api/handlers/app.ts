/** app.*: what the shell shows about the app, the workspace and who is signed in; and the tick stream. */
import { setTimeout as delay } from 'node:timers/promises';
import type { QueryHandler, StreamHandler } from '../types';
import { appVersion } from '../../app/version';
import type { UserDefinition } from '../../metadata/security-config';

const summary = (u: UserDefinition) => ({ name: u.name, label: u.label ?? u.name, admin: u.admin });

export const appInfo: QueryHandler<'app.info'> = async (_input, { app }) => ({
  name: 'ObjectDesk',
  version: appVersion(),
  workspace: {
    name: app.workspaceName,
    path: app.options.workspaceDir,
    objectCount: app.partial.objects.size,
    problems: app.problems.map((p) => ({ ...p })),
  },
  user: summary(app.user),
  users: app.partial.users.size ? [...app.partial.users.values()].map(summary) : [summary(app.user)],
  mode: app.options.mode,
});

export const appTick: StreamHandler<'app.tick'> = async function* (input, { signal }) {
  for (let n = 1; n <= input.count; n++) {
    if (signal.aborted) return;
    yield { n, of: input.count, at: new Date().toISOString() };
    if (n < input.count && input.intervalMs > 0) {
      try {
        await delay(input.intervalMs, undefined, { signal });
      } catch {
        return; // cancelled while waiting
      }
    }
  }
};
