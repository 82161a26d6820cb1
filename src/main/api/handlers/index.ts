/** The handler table: one entry per operation in src/shared/api/contract.ts, and the only implementation of each. */
import type { HandlerTable } from '../types';
import { appInfo, appTick } from './app';
import { dataExplain, dataQuery, objectsDescribe } from './data';
import { workspaceDriftHandler, workspaceObjects, workspaceWatch } from './workspace';
import { aiHandlers } from './ai';
import { datasourceHandlers } from './datasources';
import { deskHandlers } from './desk';
import { governanceHandlers } from './governance';
import { tokenHandlers } from './tokens';
import { flowHandlers } from './flows';

export const handlers: HandlerTable = {
  'app.info': appInfo,
  'workspace.objects': workspaceObjects,
  'workspace.watch': workspaceWatch,
  'workspace.drift': workspaceDriftHandler,
  'objects.describe': objectsDescribe,
  'data.query': dataQuery,
  'data.explain': dataExplain,
  'app.tick': appTick,
  ...datasourceHandlers,
  ...aiHandlers,
  ...deskHandlers,
  ...tokenHandlers,
  ...governanceHandlers,
  ...flowHandlers,
};
