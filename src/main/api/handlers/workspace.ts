/** workspace.*: the loaded objects as the shell lists them. */
import type { QueryHandler } from '../types';

function titleCase(name: string): string {
  return name.replace(/_/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());
}

export const workspaceObjects: QueryHandler<'workspace.objects'> = async (_input, { app }) => {
  const objects = app.workspace ? [...app.workspace.objects.values()] : [];
  return objects
    .map((o) => {
      const label = o.label ?? titleCase(o.name);
      return {
        name: o.name,
        label,
        pluralLabel: o.pluralLabel ?? `${label}s`,
        ...(o.description ? { description: o.description } : {}),
        namespace: o.namespace,
        datasource: o.datasource,
        fieldCount: Object.keys(o.fields).length,
      };
    })
    .sort((a, b) => a.label.localeCompare(b.label));
};
