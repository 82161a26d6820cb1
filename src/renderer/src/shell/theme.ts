/** Light/dark theme, following the OS until the user picks one; remembered per machine. */
import { useSyncExternalStore } from 'react';

export type Theme = 'light' | 'dark';
const KEY = 'objectdesk.theme';

export function initialTheme(): Theme {
  const saved = localStorage.getItem(KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia?.('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

export function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  localStorage.setItem(KEY, theme);
}

/** The theme the page shows now: `data-theme` on <html> (dark unless it says light, as the CSS reads it). */
export function currentTheme(): Theme {
  return document.documentElement.dataset.theme === 'light' ? 'light' : 'dark';
}

function subscribe(onChange: () => void): () => void {
  // Whoever changes the theme (top bar, Settings, palette) sets the attribute; watching it covers them all.
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return () => observer.disconnect();
}

/** The current theme, re-rendering the caller when it changes (for what CSS cannot colour, e.g. canvas charts). */
export function useTheme(): Theme {
  return useSyncExternalStore(subscribe, currentTheme);
}
