/** Fuzzy-ish matching for the command palette: every typed word must start a word of the item, or occur in it. Pure. */
export interface PaletteItem {
  id: string;
  label: string;
  hint?: string;
  group: string;
  keywords?: string;
  run(): void;
}

export function score(item: Pick<PaletteItem, 'label' | 'keywords' | 'hint'>, query: string): number {
  const q = query.trim().toLowerCase();
  if (!q) return 1;
  const hay = `${item.label} ${item.keywords ?? ''} ${item.hint ?? ''}`.toLowerCase();
  const words = hay.split(/[\s_.·/-]+/);
  let total = 0;
  for (const term of q.split(/\s+/)) {
    if (words.some((w) => w.startsWith(term))) total += 2;
    else if (hay.includes(term)) total += 1;
    else return 0;
  }
  if (item.label.toLowerCase().startsWith(q)) total += 3;
  return total;
}

export function rank<T extends PaletteItem>(items: readonly T[], query: string, max = 50): T[] {
  return items
    .map((item, i) => ({ item, s: score(item, query), i }))
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .slice(0, max)
    .map((x) => x.item);
}
