// The GraphQL schema and the OpenAPI document follow the workspace: after a reload that takes an object
// away from a user, it disappears from their introspection, their OpenAPI and their data routes.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.dispose();
});

const employeeType = async () => {
  const res = await h.send('POST', '/graphql', { query: '{ __type(name: "Employee") { name } }' }, { user: 'jane.peacock' });
  return ((await res.json()) as { data: { __type: unknown } }).data.__type;
};

test('schema regenerates when the workspace reloads', async () => {
  expect(await employeeType()).toEqual({ name: 'Employee' });
  expect((await h.get('/api/v1/data/employee?limit=1', { user: 'jane.peacock' })).status).toBe(200);

  const file = path.join(h.workspaceDir, 'objectdesk.config.ts');
  const text = readFileSync(file, 'utf8');
  const changed = text.replace(
    "description: 'Sees the catalogue, and only the customers they support, with those customers\\' invoices.',\n      objects: readAll,",
    "description: 'Sees the catalogue, and only the customers they support, with those customers\\' invoices.',\n      objects: { ...readAll, employee: { allowRead: false } },",
  );
  expect(changed).not.toBe(text);
  writeFileSync(file, changed);
  await h.app.reload();
  expect(h.app.problems).toEqual([]);

  expect(await employeeType()).toBeNull();
  expect((await h.get('/api/v1/data/employee?limit=1', { user: 'jane.peacock' })).status).toBe(404);
  const doc = (await (await h.get('/api/v1/openapi.json', { user: 'jane.peacock' })).json()) as { paths: Record<string, unknown> };
  expect(doc.paths['/data/employee']).toBeUndefined();
  // Other users are unaffected.
  const andrew = await h.send('POST', '/graphql', { query: '{ __type(name: "Employee") { name } }' }, { user: 'andrew.adams' });
  expect(((await andrew.json()) as { data: { __type: unknown } }).data.__type).toEqual({ name: 'Employee' });
});
