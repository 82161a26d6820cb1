/** The handler table: one entry per operation in src/shared/api/contract.ts, and the only implementation of each. */
import type { HandlerTable } from '../types';
import { appInfo, appTick } from './app';
import { workspaceObjects } from './workspace';

export const handlers: HandlerTable = {
  'app.info': appInfo,
  'workspace.objects': workspaceObjects,
  'app.tick': appTick,
};
