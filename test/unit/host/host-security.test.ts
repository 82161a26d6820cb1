// The headless host's front door: token, Host/Origin checks, readable errors, loopback only.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../src/main/api';
import { startHost, TOKEN_COOKIE, type RunningHost } from '../../../src/main/host/server';
import { openTestApp } from '../../helpers/app';
import { rawRequest } from '../../helpers/http';

let env: Awaited<ReturnType<typeof openTestApp>>;
let host: RunningHost;
let rendererDir: string;

beforeAll(async () => {
  env = await openTestApp();
  rendererDir = mkdtempSync(path.join(os.tmpdir(), 'objectdesk-renderer-'));
  mkdirSync(path.join(rendererDir, 'assets'));
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>ObjectDesk</title>');
  writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  host = await startHost({ api: createApi(env.app), rendererDir });
});
afterAll(async () => {
  await host?.close();
  await env?.dispose();
});

const auth = () => ({ authorization: `Bearer ${host.token}`, 'content-type': 'application/json' });

describe('headless host security', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(host.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it.each(['0.0.0.0', '::', '192.168.1.10', 'example.com'])('refuses to listen on %s', async (hostname) => {
    await expect(startHost({ api: createApi(env.app), hostname })).rejects.toThrow(/only listens on 127\.0\.0\.1/);
  });

  it('answers 401 with a JSON error without the token', async () => {
    for (const req of [
      { method: 'POST', path: '/api/rpc/app.info', body: '{}' },
      { method: 'GET', path: '/' },
      { method: 'GET', path: '/assets/app.js' },
    ]) {
      const res = await rawRequest(host.port, req);
      expect(res.status).toBe(401);
      expect(res.json()).toMatchObject({ error: { code: 'unauthorized' } });
    }
  });

  it('answers 401 for a wrong token, in the header, the cookie or the link', async () => {
    const bad = 'x'.repeat(host.token.length);
    expect((await rawRequest(host.port, { method: 'POST', path: '/api/rpc/app.info', headers: { authorization: `Bearer ${bad}` } })).status).toBe(401);
    expect((await rawRequest(host.port, { path: '/', headers: { cookie: `${TOKEN_COOKIE}=${bad}` } })).status).toBe(401);
    expect((await rawRequest(host.port, { path: `/?token=${bad}` })).status).toBe(401);
  });

  it('trades the printed link for an HttpOnly SameSite=Strict cookie', async () => {
    const res = await rawRequest(host.port, { path: `/?token=${host.token}` });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await rawRequest(host.port, { path: '/', headers: { cookie: `${TOKEN_COOKIE}=${host.token}` } });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
  });

  it('answers 403 for a foreign Host (DNS rebinding), even with the token', async () => {
    for (const h of ['evil.example:80', `attacker.test:${host.port}`, 'localhost:1']) {
      const res = await rawRequest(host.port, { method: 'POST', path: '/api/rpc/app.info', headers: { ...auth(), host: h }, body: '{}' });
      expect(res.status).toBe(403);
      expect(res.json()).toMatchObject({ error: { code: 'forbidden' } });
    }
  });

  it('answers 403 for a foreign Origin, even with the token', async () => {
    const res = await rawRequest(host.port, { method: 'POST', path: '/api/rpc/app.info', headers: { ...auth(), origin: 'https://evil.example' }, body: '{}' });
    expect(res.status).toBe(403);
    expect(res.json()).toMatchObject({ error: { code: 'forbidden', message: expect.stringMatching(/evil\.example/) } });
  });

  it('accepts its own Origin', async () => {
    const res = await rawRequest(host.port, { method: 'POST', path: '/api/rpc/app.info', headers: { ...auth(), origin: host.origin }, body: '{}' });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ result: { name: 'ObjectDesk' } });
  });

  it.each([
    ['not JSON', '{"input": '],
    ['an array', '[1,2]'],
    ['a string', '"hi"'],
    ['unknown keys', '{"input": {}, "sudo": true}'],
    ['a non-string reason', '{"input": {}, "reason": 5}'],
    ['input not matching the operation', '{"input": {"count": "lots"}}'],
  ])('answers 400 with a readable JSON error for %s', async (_label, body) => {
    const op = body.includes('count') ? 'app.tick' : 'app.info';
    const res = await rawRequest(host.port, { method: 'POST', path: `/api/rpc/${op}`, headers: auth(), body });
    expect(res.status).toBe(400);
    const json = res.json() as { error: { code: string; message: string } };
    expect(json.error.code).toBe('bad_request');
    expect(json.error.message.length).toBeGreaterThan(10);
  });

  it('answers 404 for an unknown operation or route', async () => {
    expect((await rawRequest(host.port, { method: 'POST', path: '/api/rpc/drop.everything', headers: auth(), body: '{}' })).status).toBe(404);
    expect((await rawRequest(host.port, { method: 'GET', path: '/api/nothing', headers: auth() })).status).toBe(404);
  });

  it('streams NDJSON ending with an end marker', async () => {
    const res = await rawRequest(host.port, { method: 'POST', path: '/api/rpc/app.tick', headers: auth(), body: '{"input":{"count":2,"intervalMs":0}}' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/ndjson/);
    const lines = res.body.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.event?.n ?? (l.end ? 'end' : '?'))).toEqual([1, 2, 'end']);
  });
});
