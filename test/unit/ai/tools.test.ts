// The data tools: one zod definition exported as JSON Schema, argument errors a model can act on, the
// context budget, privacy shapes — with a stub API so only the tool layer is under test.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/shared/api/errors';
import type { Session } from '../../../src/shared/api/session';
import { ollamaTools, TOOLS, toolInputSchema } from '../../../src/main/ai/tools/catalog';
import { runTool, type ApiCaller } from '../../../src/main/ai/tools/run';
import { shapeOf } from '../../../src/main/ai/tools/privacy';

const session: Session = { user: 'andrew.adams', via: 'ai', reason: 'test' };

function stubApi(answers: Record<string, (input: unknown) => unknown>): ApiCaller & { calls: { op: string; input: unknown; session: Session }[] } {
  const calls: { op: string; input: unknown; session: Session }[] = [];
  return {
    calls,
    async call(op, input, s) {
      calls.push({ op, input, session: s });
      const answer = answers[op];
      if (!answer) throw new Error(`unexpected ${op}`);
      return answer(input);
    },
  };
}

const objects = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `obj_${i}`, label: `Object ${i}`, pluralLabel: `Objects ${i}`, description: `The ${i}th`, namespace: 'x', datasource: 'd', fieldCount: 1 }));

describe('tool definitions', () => {
  it('exports the ObjectStack names with JSON Schemas generated from zod', () => {
    expect(TOOLS.map((t) => t.name)).toEqual(['list_objects', 'describe_object', 'query_records', 'aggregate_data']);
    const query = toolInputSchema(TOOLS[2]!);
    expect(query).toMatchObject({ type: 'object', required: ['objectName'], additionalProperties: false });
    expect(Object.keys(query.properties as object)).toEqual(['objectName', 'where', 'fields', 'orderBy', 'limit']);
    expect((query.properties as Record<string, unknown>).limit).toMatchObject({ type: 'integer', minimum: 1, maximum: 200 });
    const agg = toolInputSchema(TOOLS[3]!);
    expect(agg.required).toEqual(['objectName', 'aggregations']);
    expect((agg.properties as { aggregations: { items: { properties: { function: { enum: string[] } } } } }).aggregations.items.properties.function.enum).toEqual([
      'count', 'count_distinct', 'sum', 'avg', 'min', 'max',
    ]);
    expect(query).not.toHaveProperty('$schema');
  });

  it('gives Ollama the same schemas in its `tools` format', () => {
    const tools = ollamaTools();
    expect(tools.map((t) => [t.type, t.function.name])).toEqual(TOOLS.map((t) => ['function', t.name]));
    expect(tools[3]!.function.parameters).toEqual(toolInputSchema(TOOLS[3]!));
  });
});

describe('runTool', () => {
  it('names the argument and what is allowed when arguments are invalid, without calling the API', async () => {
    const api = stubApi({});
    const cases: [string, unknown, string][] = [
      ['describe_object', {}, 'Invalid arguments for describe_object: objectName: Invalid input: expected string, received undefined. Fix the arguments and call describe_object again.'],
      ['query_records', { objectName: 'customer', limit: 0 }, 'Invalid arguments for query_records: limit: Too small: expected number to be >=1. Fix the arguments and call query_records again.'],
      [
        'query_records',
        { objectName: 'customer', filter: { country: 'Brazil' } },
        'Invalid arguments for query_records: unknown argument(s) "filter" — query_records accepts: objectName, where, fields, orderBy, limit. Fix the arguments and call query_records again.',
      ],
      [
        'aggregate_data',
        { objectName: 'invoice', aggregations: [{ function: 'sum', field: 'total', alias: 'total spent' }] },
        'Invalid arguments for aggregate_data: aggregations[0].alias: must be an identifier: letters, digits and "_". Fix the arguments and call aggregate_data again.',
      ],
    ];
    for (const [tool, args, message] of cases) {
      const r = await runTool(tool, args, { api, session, privacyMode: false });
      expect(r).toMatchObject({ ok: false, error: { code: 'invalid_arguments', message } });
      expect(r.content).toBe(`Error: ${message}`);
    }
    expect(api.calls).toEqual([]);
  });

  it('accepts arguments sent as a JSON string, as some models do', async () => {
    const api = stubApi({ 'objects.describe': () => ({ name: 'genre', label: 'Genre', pluralLabel: 'Genres', namespace: 'c', datasource: 'd', primaryKey: ['genre_id'], writable: false, fields: [] }) });
    const r = await runTool('describe_object', '{"objectName":"genre"}', { api, session, privacyMode: false });
    expect(r.ok).toBe(true);
    expect(api.calls[0]).toEqual({ op: 'objects.describe', input: { objectName: 'genre' }, session });
  });

  it('turns an API refusal into a message with the allowed values, and passes cancellation through', async () => {
    const refusing = stubApi({
      'data.query': () => {
        throw new ApiError('bad_request', 'where.salary: unknown field "salary" on employee', 'where.salary', { allowed: ['first_name', 'last_name', 'title'] });
      },
    });
    const r = await runTool('query_records', { objectName: 'employee', where: { salary: { $gt: 1 } } }, { api: refusing, session, privacyMode: false });
    expect(r.content).toBe(
      'Error: query_records failed (bad_request): where.salary: unknown field "salary" on employee Allowed at where.salary: first_name, last_name, title. Fix the query and call query_records again.',
    );
    const cancelling = stubApi({
      'data.query': () => {
        throw new ApiError('cancelled', 'The operation was cancelled.');
      },
    });
    await expect(runTool('query_records', { objectName: 'employee' }, { api: cancelling, session, privacyMode: false })).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('query_records builds one ObjectQL query with a default limit of 50 and cites its SQL', async () => {
    const api = stubApi({
      'data.query': () => ({ rows: [{ name: 'Rock' }], plan: { ast: { object: 'genre', limit: 50 }, sql: [{ dialect: 'sqlite', text: 'select 1', parameters: [50] }] } }),
    });
    const r = await runTool('query_records', { objectName: 'genre', orderBy: [{ field: 'name' }] }, { api, session, privacyMode: false });
    expect(api.calls[0]!.input).toEqual({ query: { object: 'genre', orderBy: [{ field: 'name', order: 'asc' }], limit: 50 } });
    expect(r.query).toEqual({ tool: 'query_records', objectName: 'genre', ast: { object: 'genre', limit: 50 }, sql: [{ dialect: 'sqlite', text: 'select 1', parameters: [50] }], rowCount: 1 });
    expect(JSON.parse(r.content)).toEqual({ objectName: 'genre', rowCount: 1, rows: [{ name: 'Rock' }] });
  });

  it('keeps what the model receives within budget: few rows of a large result, with a note', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => ({ id: i, text: 'x'.repeat(200) }));
    const api = stubApi({ 'data.query': () => ({ rows, plan: {} }) });
    const r = await runTool('query_records', { objectName: 'track', limit: 200 }, { api, session, privacyMode: false });
    const sent = JSON.parse(r.content) as { rowCount: number; rowsShown: number; rows: unknown[] };
    expect(r.content.length).toBeLessThanOrEqual(12_000);
    expect(sent.rowCount).toBe(200);
    expect(sent.rows).toHaveLength(sent.rowsShown);
    expect(r.rows).toHaveLength(200);
  });

  it('list_objects sends names only past 40 objects (the context budget)', async () => {
    const few = await runTool('list_objects', {}, { api: stubApi({ 'workspace.objects': () => objects(40) }), session, privacyMode: false });
    expect((JSON.parse(few.content) as { objects: unknown[] }).objects[0]).toEqual({ name: 'obj_0', label: 'Object 0', description: 'The 0th' });
    const many = await runTool('list_objects', {}, { api: stubApi({ 'workspace.objects': () => objects(41) }), session, privacyMode: false });
    const sent = JSON.parse(many.content) as { objects: unknown[]; note: string };
    expect(sent.objects[0]).toBe('obj_0');
    expect(sent.note).toMatch(/41 objects: names only/);
  });
});

describe('privacy shapes', () => {
  it('describes columns by value type only', () => {
    expect(shapeOf([{ a: 'x', b: 1, c: null }, { a: 'y', b: '2.50', c: null }])).toEqual({
      rowCount: 2,
      columns: [
        { name: 'a', type: 'string' },
        { name: 'b', type: 'number|string' },
        { name: 'c', type: 'null' },
      ],
    });
  });
});
