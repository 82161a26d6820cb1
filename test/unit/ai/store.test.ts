// AI settings and chat history in the app store: defaults, validation, per-user and per-workspace history.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultEndpoint, deleteConversations, listConversations, openConversation, readSettings, readTurns, saveTurn, withAiStore, writeSettings } from '../../../src/main/ai/store/ai-store';
import { schemaVersion } from '../../../src/main/store/migrations';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'objectdesk-ai-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('AI settings', () => {
  it('default to the local Ollama, or the endpoint in OBJECTDESK_OLLAMA_HOST / OLLAMA_HOST', () => {
    expect(defaultEndpoint({})).toBe('http://127.0.0.1:11434');
    expect(defaultEndpoint({ OLLAMA_HOST: '10.0.0.5:11434' })).toBe('http://10.0.0.5:11434');
    expect(defaultEndpoint({ OBJECTDESK_OLLAMA_HOST: 'http://127.0.0.1:9', OLLAMA_HOST: 'x:1' })).toBe('http://127.0.0.1:9');
  });

  it('are stored in the app store under their own migration area and validated', () => {
    withAiStore(dir, (db) => {
      expect(readSettings(db)).toMatchObject({ model: '', privacyMode: false, maxSteps: 8 });
      expect(writeSettings(db, { model: 'qwen2.5:7b', privacyMode: true })).toMatchObject({ model: 'qwen2.5:7b', privacyMode: true });
      expect(() => writeSettings(db, { maxSteps: 0 })).toThrow();
      expect(() => writeSettings(db, { endpoint: 'ftp://x' })).toThrow(/http/);
      expect(schemaVersion(db, 'ai')).toBe(1);
    });
    expect(withAiStore(dir, readSettings)).toMatchObject({ model: 'qwen2.5:7b', privacyMode: true, maxSteps: 8 });
  });
});

describe('chat history', () => {
  const jane = { workspace: '/ws/a', user: 'jane' };
  const turn = (n: number) => ({ turn: n, question: `q${n}`, answer: `a${n}`, stopped: 'answer', model: 'm', at: `2025-01-0${n}T00:00:00.000Z`, events: [{ type: 'final' }] });

  it('appends turns to the owner\'s conversation and starts a new one for anyone else', () => {
    withAiStore(dir, (db) => {
      const c = openConversation(db, jane, undefined, 'How many customers?');
      expect(c.nextTurn).toBe(1);
      saveTurn(db, c.id, turn(1));
      const again = openConversation(db, jane, c.id, 'next');
      expect(again).toMatchObject({ id: c.id, nextTurn: 2 });
      expect(again.history.map((t) => t.answer)).toEqual(['a1']);
      // Someone else naming Jane's conversation id gets a fresh conversation, not hers.
      const other = openConversation(db, { workspace: '/ws/a', user: 'nancy' }, c.id, 'peek');
      expect(other.id).not.toBe(c.id);
      expect(other.history).toEqual([]);
      expect(listConversations(db, { workspace: '/ws/b', user: 'jane' })).toEqual([]);
      expect(listConversations(db, jane)).toEqual([{ id: c.id, title: 'How many customers?', turns: 1, updatedAt: turn(1).at }]);
      expect(readTurns(db, c.id)).toEqual([turn(1)]);
      expect(deleteConversations(db, jane)).toBe(1);
      expect(readTurns(db, c.id)).toEqual([]);
    });
  });
});
