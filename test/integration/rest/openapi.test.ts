// The OpenAPI 3.1 document is generated per user from the metadata and validates with a standard validator.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startHarness, USERS, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ hideEmployeeFromJane: true });
});
afterAll(async () => {
  await h?.dispose();
});

type Doc = { openapi: string; servers: { url: string }[]; paths: Record<string, Record<string, { parameters?: { name: string }[] }>>; components: { schemas: Record<string, { properties?: Record<string, unknown> }> } };

async function docFor(user: (typeof USERS)[number]): Promise<Doc> {
  const res = await h.get('/api/v1/openapi.json', { user });
  expect(res.status).toBe(200);
  return (await res.json()) as Doc;
}

describe('GET /api/v1/openapi.json', () => {
  test.each(USERS)('is a valid OpenAPI 3.1 document for %s', async (user) => {
    const doc = await docFor(user);
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.servers[0]!.url).toBe(`${h.server.origin}/api/v1`);
  });

  test('the validator is not a rubber stamp: a broken document fails', async () => {
    const doc = await docFor('andrew.adams');
    const broken = structuredClone(doc) as unknown as Record<string, unknown>;
    (broken.paths as Record<string, unknown>)['/data/invoice'] = { get: { responses: 'nope' } };
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  test('only what the user can see: hidden objects have no paths or schemas, hidden fields no properties or filters', async () => {
    const andrew = await docFor('andrew.adams');
    const jane = await docFor('jane.peacock');
    expect(andrew.paths['/data/employee']).toBeDefined();
    expect(jane.paths['/data/employee']).toBeUndefined();
    expect(jane.components.schemas.employee).toBeUndefined();
    expect(JSON.stringify(jane)).not.toMatch(/"employee"/);

    expect(Object.keys(andrew.components.schemas.customer!.properties!)).toContain('email');
    expect(Object.keys(jane.components.schemas.customer!.properties!)).not.toContain('email');
    expect(Object.keys(jane.components.schemas.customer!.properties!)).not.toContain('phone');
    const params = jane.paths['/data/customer']!.get!.parameters!.map((p) => p.name);
    expect(params).toContain('country');
    expect(params).not.toContain('email');
  });

  test('types come from the field metadata; composite ids are documented; read-only objects have no write operations', async () => {
    const doc = await docFor('andrew.adams');
    const invoice = doc.components.schemas.invoice!.properties! as Record<string, Record<string, unknown>>;
    expect(invoice.invoice_id).toMatchObject({ type: 'number' });
    expect(invoice.total).toMatchObject({ type: 'string', pattern: expect.any(String) });
    expect(invoice.billing_state).toMatchObject({ type: ['string', 'null'] });
    expect(invoice.customer_id).toMatchObject({ anyOf: [{ type: 'number' }, { $ref: '#/components/schemas/customer' }] });
    const idParam = (doc.paths['/data/playlist_track/{id}']!.get!.parameters! as unknown as { name: string; description: string }[]).find((p) => p.name === 'id')!;
    expect(idParam.description).toMatch(/playlist_id, track_id .*joined by ","/);
    expect(doc.paths['/data/invoice']!.post).toBeUndefined();
    expect(doc.paths['/data/invoice/{id}']!.delete).toBeUndefined();
  });
});
