/**
 * Remembers the window's size, position and maximised state between launches, in the app data folder.
 * A saved position that no longer fits any display (a monitor was unplugged) is dropped, not obeyed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const WindowStateSchema = z.strictObject({
  width: z.number().int().min(400).max(20_000),
  height: z.number().int().min(300).max(20_000),
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof WindowStateSchema>;

export interface Area {
  x: number;
  y: number;
  width: number;
  height: number;
}

const FILE = 'window-state.json';

export function loadWindowState(dataDir: string, displays: Area[]): WindowState | undefined {
  let parsed: WindowState;
  try {
    const r = WindowStateSchema.safeParse(JSON.parse(readFileSync(path.join(dataDir, FILE), 'utf8')));
    if (!r.success) return undefined;
    parsed = r.data;
  } catch {
    return undefined; // first launch, or an unreadable file: defaults are fine
  }
  if (parsed.x === undefined || parsed.y === undefined) return parsed;
  const visible = displays.some(
    (d) => parsed.x! >= d.x - 50 && parsed.y! >= d.y - 50 && parsed.x! + 100 <= d.x + d.width && parsed.y! + 100 <= d.y + d.height,
  );
  if (visible) return parsed;
  const { x: _x, y: _y, ...rest } = parsed;
  return rest;
}

export function saveWindowState(dataDir: string, state: WindowState): void {
  try {
    writeFileSync(path.join(dataDir, FILE), JSON.stringify(WindowStateSchema.parse(state)), { mode: 0o600 });
  } catch {
    /* losing the window position is not worth an error dialog on quit */
  }
}
