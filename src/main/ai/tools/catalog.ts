/**
 * The data tools as the model and MCP clients see them: name, description and JSON Schema, generated from
 * the zod schemas in ./args so there is one definition of each.
 */
import { z } from 'zod';
import type { Tool as OllamaTool } from 'ollama';
import { AggregateDataArgs, DescribeObjectArgs, ListObjectsArgs, QueryRecordsArgs } from './args';

export const TOOL_NAMES = ['list_objects', 'describe_object', 'query_records', 'aggregate_data'] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

export interface ToolDefinition {
  name: ToolName;
  description: string;
  args: z.ZodType;
}

export const TOOLS: readonly ToolDefinition[] = [
  {
    name: 'list_objects',
    description: 'Lists the business objects (tables) you can read: API name, label and description. Call this first when you do not know which object holds the data.',
    args: ListObjectsArgs,
  },
  {
    name: 'describe_object',
    description: 'Describes one object: its readable fields with types, select options and lookups (a lookup field points at another object; reach its fields with a dotted path such as "customer_id.country").',
    args: DescribeObjectArgs,
  },
  {
    name: 'query_records',
    description: 'Reads records of one object, with an optional filter, field list, sort and limit (at most 200). Use aggregate_data for totals, counts and rankings.',
    args: QueryRecordsArgs,
  },
  {
    name: 'aggregate_data',
    description: 'Computes count, count_distinct, sum, avg, min or max of an object in the database, optionally grouped by fields, lookup paths or date buckets, filtered, sorted and limited. Use it for totals, rankings and trends.',
    args: AggregateDataArgs,
  },
];

export function isToolName(name: string): name is ToolName {
  return (TOOL_NAMES as readonly string[]).includes(name);
}

export function toolDefinition(name: ToolName): ToolDefinition {
  return TOOLS.find((t) => t.name === name)!;
}

/** The JSON Schema of a tool's arguments, as both Ollama and MCP receive it. */
export function toolInputSchema(t: { args: z.ZodType }): Record<string, unknown> & { type: 'object' } {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(t.args, { io: 'input' }) as Record<string, unknown>;
  return { ...schema, type: 'object' };
}

/** The `tools` field of an Ollama /api/chat request. */
export function ollamaTools(): OllamaTool[] {
  return TOOLS.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: toolInputSchema(t) as OllamaTool['function']['parameters'] } }));
}
