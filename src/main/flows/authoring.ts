/**
 * `Flow.create({ … })` for workspace files (exported from the `objectdesk` authoring module). It only marks
 * the value as a flow and types it for the editor: the flow loader validates it with the file in hand, so
 * every problem is reported with its file, line, step and key rather than thrown from inside the import.
 *
 * Deliberately free of imports from the metadata area: the authoring module re-exports this file.
 */
import type { FlowInput } from './schema';

const flows = new WeakSet<object>();

export const Flow = {
  create<T extends FlowInput>(definition: T): T {
    if (definition && typeof definition === 'object') flows.add(definition);
    return definition;
  },
};
export const defineFlow = Flow.create;

export function isMarkedFlow(value: unknown): boolean {
  return Boolean(value && typeof value === 'object' && flows.has(value));
}

export type { FlowInput };
