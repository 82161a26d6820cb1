/**
 * `objectdesk mcp [--workspace DIR] --user NAME [--privacy]`: an MCP server on stdio exposing the data
 * tools as that workspace user (via "mcp"). stdout carries only the protocol; messages go to stderr.
 * Ends when the client closes stdin.
 */
import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createApi } from '../../api';
import { appVersion } from '../../app/version';
import { createMcpServer } from '../../ai/mcp/server';
import { readSettings, withAiStore } from '../../ai/store/ai-store';
import { openContext, type GlobalOptions } from '../global-options';
import { println, type CliIO } from '../io';

export interface McpCommandOptions extends GlobalOptions {
  /** Send the client shapes, not row values (default: the privacy setting of the app). */
  privacy?: boolean;
}

export async function runMcp(opts: McpCommandOptions, io: CliIO): Promise<number> {
  const app = await openContext(opts, 'cli');
  try {
    app.requireWorkspace();
    const privacyMode = opts.privacy ?? withAiStore(app.options.dataDir, readSettings).privacyMode;
    const server = createMcpServer({ api: createApi(app), user: app.user.name, version: appVersion(), privacyMode, admin: Boolean(app.user.admin) });
    const stdin = io.stdin as Readable;
    const closed = new Promise<void>((resolve) => {
      server.onclose = () => resolve();
      stdin.once('end', () => resolve());
      stdin.once('close', () => resolve());
    });
    await server.connect(new StdioServerTransport(stdin, io.out as Writable));
    println(io.err, `objectdesk mcp: serving "${app.workspaceName}" as ${app.user.name}${privacyMode ? ' (privacy mode: no row values)' : ''} on stdio.`);
    await closed;
    await server.close();
    return 0;
  } finally {
    await app.close();
  }
}
