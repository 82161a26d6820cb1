/**
 * The MCP server: the same four data tools, with the same JSON Schemas and the same runner as the chat
 * agent, for coding agents and other MCP clients. Each call is one API call as the signed-in workspace user
 * via 'mcp' — permissions and the audit apply exactly as in the app; there is no MCP identity.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Session } from '../../../shared/api/session';
import { TOOLS, toolInputSchema } from '../tools/catalog';
import { runTool, type ApiCaller } from '../tools/run';
import { MODELLING_TOOL_NAMES, MODELLING_TOOLS, runModellingTool } from './modelling-tools';

export interface McpServerOptions {
  api: ApiCaller;
  /** The workspace user every tool runs as. */
  user: string;
  version: string;
  privacyMode: boolean;
  /** Admins also get the modelling tools (the API checks admin rights again on every call). */
  admin?: boolean;
}

/** What the audit records as "why": the client that called and the tool it called. */
export function mcpReason(client: string | undefined, tool: string): string {
  return `MCP ${client ?? 'client'}: ${tool}`;
}

export function createMcpServer(opts: McpServerOptions): Server {
  const server = new Server(
    { name: 'objectdesk', version: opts.version },
    {
      capabilities: { tools: {} },
      instructions:
        'ObjectDesk: governed, read-only access to business data as one workspace user. Call list_objects, then describe_object, then query_records or aggregate_data (ObjectQL filters; dotted lookup paths such as "customer_id.country").',
    },
  );

  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: [
      ...TOOLS.map((t) => ({ name: t.name, description: t.description, inputSchema: toolInputSchema(t), annotations: { readOnlyHint: true, openWorldHint: false } })),
      ...(opts.admin
        ? MODELLING_TOOLS.map((t) => ({ name: t.name, description: t.description, inputSchema: toolInputSchema(t), annotations: { readOnlyHint: true, openWorldHint: false } }))
        : []),
    ],
  }));

  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const { name, arguments: args } = request.params;
    const session: Session = { user: opts.user, via: 'mcp', reason: mcpReason(server.getClientVersion()?.name, name) };
    if (opts.admin && MODELLING_TOOL_NAMES.includes(name)) {
      const r = await runModellingTool(name, args, { api: opts.api, session, signal: extra.signal });
      return { content: [{ type: 'text', text: r.content }], ...(r.ok ? {} : { isError: true }) };
    }
    const outcome = await runTool(name, args ?? {}, { api: opts.api, session, signal: extra.signal, privacyMode: opts.privacyMode });
    const content: CallToolResult['content'] = [{ type: 'text', text: outcome.content }];
    // Say where the numbers came from: the statement that ran, with its parameters.
    if (outcome.query?.sql.length) {
      content.push({ type: 'text', text: `Ran in the database (${outcome.query.rowCount} rows):\n${outcome.query.sql.map((s) => `${s.text}\n-- parameters: ${JSON.stringify(s.parameters)}`).join('\n')}` });
    }
    return { content, ...(outcome.ok ? {} : { isError: true }) };
  });

  return server;
}
