/**
 * The screens reachable from the sidebar. Each area adds one entry here for its screen (its component
 * lives in the area's own folder: chat/, datasources/, query/, ...). Order is the sidebar's order.
 */
import type { ComponentType } from 'react';
import { DatasourcesScreen } from '../datasources/DatasourcesScreen';
import { ChatScreen } from '../chat/ChatScreen';
import { QueryBuilderScreen } from '../query/QueryBuilder';
import { AuditScreen } from '../audit/AuditScreen';
import { FlowsScreen } from '../flows/FlowsScreen';
import { ModelerScreen } from '../modeler/ModelerScreen';
import { SettingsScreen } from '../settings/SettingsScreen';

export interface ScreenProps {
  /** Opens another screen, e.g. from a link in a chat answer. */
  navigate(screen: string, params?: Record<string, string>): void;
  params: Record<string, string>;
}

export interface Screen {
  id: string;
  label: string;
  /** Ctrl+<digit> jumps to the screen. */
  shortcut?: string;
  component: ComponentType<ScreenProps>;
}

export const screens: Screen[] = [
  { id: 'query', label: 'Query', component: QueryBuilderScreen },
  { id: 'chat', label: 'Chat', component: ChatScreen },
  { id: 'datasources', label: 'Datasources', component: DatasourcesScreen },
  { id: 'modeler', label: 'Modeler', component: ModelerScreen },
  { id: 'audit', label: 'Audit', component: AuditScreen },
  { id: 'flows', label: 'Flows', component: FlowsScreen },
  { id: 'settings', label: 'Settings', component: SettingsScreen },
];
