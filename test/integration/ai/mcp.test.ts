// The MCP server with the SDK's own client: over real stdio (a child process running `runMcp`) and in
// process over the SDK's in-memory transport. Same tools, same JSON Schemas, same Session semantics.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../src/main/api';
import { createMcpServer } from '../../../src/main/ai/mcp/server';
import { TOOLS, toolInputSchema } from '../../../src/main/ai/tools/catalog';
import type { Session } from '../../../src/shared/api/session';
import { DEMO_WORKSPACE, openTestApp } from '../../helpers/app';

type TextContent = { type: 'text'; text: string }[];
const root = path.resolve(__dirname, '../../..');

describe('objectdesk mcp over stdio', () => {
  let client: Client;
  let dataDir: string;
  let stderr = '';
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'objectdesk-mcp-'));
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(root, 'src/main/cli/main.ts'), 'mcp', '--workspace', DEMO_WORKSPACE, '--user', 'andrew.adams', '--data-dir', dataDir],
      cwd: root,
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (d) => (stderr += String(d)));
    client = new Client({ name: 'vitest-mcp-client', version: '1.0.0' });
    await client.connect(transport);
  });
  afterAll(async () => {
    await client?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists the four data tools with the same JSON Schemas the model gets, plus the modelling tools for an admin', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['list_objects', 'describe_object', 'query_records', 'aggregate_data', 'list_datasources', 'introspect_schema', 'draft_objects', 'diff_schema']);
    for (const t of tools.slice(0, 4)) expect(t.inputSchema).toEqual(toolInputSchema(TOOLS.find((d) => d.name === t.name)!));
    expect(tools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
    expect(stderr).toContain('serving "Chinook demo" as andrew.adams');
  });

  it('aggregates in the database and says which SQL ran', async () => {
    const r = await client.callTool({
      name: 'aggregate_data',
      arguments: { objectName: 'invoice', aggregations: [{ function: 'count', alias: 'n' }], groupBy: ['billing_country'], orderBy: [{ field: 'n', order: 'desc' }], limit: 1 },
    });
    const [data, ran] = r.content as TextContent;
    expect(r.isError).toBeUndefined();
    expect(JSON.parse(data!.text)).toMatchObject({ objectName: 'invoice', rowCount: 1, rows: [{ billing_country: 'USA', n: 91 }] });
    expect(ran!.text).toMatch(/^Ran in the database \(1 rows\):\nselect .*group by/s);
  });

  it('answers invalid arguments with a specific error the client can act on', async () => {
    const r = await client.callTool({ name: 'query_records', arguments: { objectName: 'customer', limit: 500 } });
    expect(r.isError).toBe(true);
    expect((r.content as TextContent)[0]!.text).toBe('Error: Invalid arguments for query_records: limit: Too big: expected number to be <=200. Fix the arguments and call query_records again.');
  });
});

describe('MCP server in process', () => {
  let env: Awaited<ReturnType<typeof openTestApp>>;
  beforeAll(async () => {
    env = await openTestApp();
  });
  afterAll(async () => env?.dispose());

  async function connect(privacyMode: boolean, sessions: Session[], user = 'andrew.adams', admin = true) {
    const api = createApi(env.app);
    const spy = { call: (op: string, input: unknown, s: Session, signal?: AbortSignal) => (sessions.push(s), api.call(op, input, s, signal)) };
    const server = createMcpServer({ api: spy, user, version: 'test', privacyMode, admin });
    const [a, b] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'claude-code', version: '1.0.0' });
    await Promise.all([server.connect(a), client.connect(b)]);
    return client;
  }

  it('calls the API as the named user via "mcp", with the client and tool as the reason', async () => {
    const sessions: Session[] = [];
    const client = await connect(false, sessions);
    const r = await client.callTool({ name: 'describe_object', arguments: { objectName: 'customer' } });
    expect(JSON.parse((r.content as TextContent)[0]!.text).fields.map((f: { name: string }) => f.name)).toContain('support_rep_id');
    expect(sessions).toEqual([{ user: 'andrew.adams', via: 'mcp', reason: 'MCP claude-code: describe_object' }]);
    await client.close();
  });

  it('privacy mode sends shapes, not values', async () => {
    const client = await connect(true, []);
    const r = await client.callTool({ name: 'query_records', arguments: { objectName: 'customer', fields: ['first_name', 'email'], limit: 3 } });
    const text = (r.content as TextContent)[0]!.text;
    expect(JSON.parse(text)).toMatchObject({ rowCount: 3, columns: [{ name: 'first_name', type: 'string' }, { name: 'email', type: 'string' }] });
    expect(text).not.toMatch(/@/);
    await client.close();
  });

  it('draft_objects returns generated object files without writing them (admins only)', async () => {
    const client = await connect(false, []);
    const catalog = await client.callTool({ name: 'introspect_schema', arguments: { datasource: 'chinook' } });
    expect(catalog.isError).toBeUndefined();
    expect((catalog.content as TextContent)[0]!.text).toContain('"Customer"');
    const draft = await client.callTool({ name: 'draft_objects', arguments: { datasource: 'chinook', tables: ['Genre'] } });
    const files = (JSON.parse((draft.content as TextContent)[0]!.text) as { files?: { path: string; content: string }[] }).files ?? [];
    expect(files.length).toBeGreaterThan(0);
    expect(files[0]!.content).toContain('ObjectSchema.create');
    const bad = await client.callTool({ name: 'draft_objects', arguments: { datasource: 'chinook' } });
    expect(bad.isError).toBe(true);
    expect((bad.content as TextContent)[0]!.text).toMatch(/^Error: Invalid arguments for draft_objects: tables:/);
    await client.close();
  });

  it('a non-admin gets only the data tools', async () => {
    const client = await connect(false, [], 'jane.peacock', false);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['list_objects', 'describe_object', 'query_records', 'aggregate_data']);
    await client.close();
  });
});
