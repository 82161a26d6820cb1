// The window reopens where it was, unless that place is no longer on any display.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWindowState, saveWindowState } from '../../../src/main/electron/window-state';

const displays = [{ x: 0, y: 0, width: 1920, height: 1080 }];

describe('window state', () => {
  it('round-trips size, position and maximised state', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'od-win-'));
    saveWindowState(dir, { width: 1400, height: 900, x: 100, y: 50, maximized: true });
    expect(loadWindowState(dir, displays)).toEqual({ width: 1400, height: 900, x: 100, y: 50, maximized: true });
  });

  it('drops a position that is off every display but keeps the size', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'od-win-'));
    saveWindowState(dir, { width: 1000, height: 700, x: 3000, y: 200, maximized: false });
    expect(loadWindowState(dir, displays)).toEqual({ width: 1000, height: 700, maximized: false });
  });

  it('ignores a missing or corrupt file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'od-win-'));
    expect(loadWindowState(dir, displays)).toBeUndefined();
    writeFileSync(path.join(dir, 'window-state.json'), '{"width": "huge"');
    expect(loadWindowState(dir, displays)).toBeUndefined();
    writeFileSync(path.join(dir, 'window-state.json'), '{"width": 5, "height": 5}');
    expect(loadWindowState(dir, displays)).toBeUndefined();
  });
});
