/** objects.describe and data.*: every read of business data, through the ObjectQL engine as the caller. */
import { ApiError } from '../../../shared/api/errors';
import type { QueryHandler } from '../types';
import { describeObject } from '../describe';

export const objectsDescribe: QueryHandler<'objects.describe'> = async ({ objectName }, { app, session }) => {
  const ws = app.requireWorkspace();
  const o = ws.objects.get(objectName);
  // The same answer for "does not exist" and "you may not see it", so existence never leaks.
  if (!o) throw new ApiError('not_found', `Unknown object "${objectName}". Call objects list to see the objects you can read.`);
  void session;
  return describeObject(o);
};

export const dataQuery: QueryHandler<'data.query'> = async ({ query }, { app, session, signal }) => {
  const engine = app.engineFor(session);
  const result = await engine.query(query, { session, signal });
  return { rows: result.rows, ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}), plan: result.plan as never };
};

export const dataExplain: QueryHandler<'data.explain'> = async ({ query }, { app, session, signal }) => {
  return (await app.engineFor(session).explain(query, { session, signal })) as never;
};
