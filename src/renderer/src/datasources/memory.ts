/**
 * What the screen must not lose when the shell remounts it (it does after every workspace reload, and a
 * save reloads the workspace — often before the save's own answer arrives): which form is open, its typed
 * values, and the last notice. A tiny external store, so that the answer of a request started by the
 * previous mount still updates the current one. Held in memory only — never in localStorage or
 * sessionStorage — and never the password, which stays in its input alone.
 */
import { useSyncExternalStore } from 'react';
import type { FormState } from './form-model';

export type Mode = { kind: 'list' } | { kind: 'add' } | { kind: 'edit'; name: string };

interface Memory {
  mode: Mode;
  notice: string | null;
  form: { key: string; state: FormState } | null;
}

let memory: Memory = { mode: { kind: 'list' }, notice: null, form: null };
const listeners = new Set<() => void>();

export function readMemory(): Memory {
  return memory;
}

export function updateMemory(patch: Partial<Memory>): void {
  memory = { ...memory, ...patch };
  if (patch.mode?.kind === 'list') memory.form = null;
  for (const l of listeners) l();
}

/** Remembers the form without re-rendering anyone: the form itself owns the live state. */
export function rememberForm(key: string, state: FormState): void {
  memory = { ...memory, form: { key, state } };
}

export function useMemory(): Memory {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => memory,
  );
}
