/** Auto-layout of the ER diagram: objects on a grid ordered so that connected tables sit near each other. Pure. */
export interface ErNode { id: string; label: string; isNew: boolean }
export interface ErEdge { from: string; to: string; label: string }
export interface Placed extends ErNode { x: number; y: number }

export const NODE_W = 150;
export const NODE_H = 34;

/** Breadth-first from the most connected node, so neighbours land in adjacent grid cells. */
export function layout(nodes: readonly ErNode[], edges: readonly ErEdge[], columns = 4): { placed: Placed[]; width: number; height: number } {
  const adj = new Map(nodes.map((n) => [n.id, new Set<string>()]));
  for (const e of edges) {
    adj.get(e.from)?.add(e.to);
    adj.get(e.to)?.add(e.from);
  }
  const order: string[] = [];
  const seen = new Set<string>();
  const byDegree = [...nodes].sort((a, b) => (adj.get(b.id)?.size ?? 0) - (adj.get(a.id)?.size ?? 0) || a.id.localeCompare(b.id));
  for (const start of byDegree) {
    if (seen.has(start.id)) continue;
    const queue = [start.id];
    seen.add(start.id);
    while (queue.length) {
      const id = queue.shift()!;
      order.push(id);
      for (const n of [...(adj.get(id) ?? [])].sort()) if (!seen.has(n)) (seen.add(n), queue.push(n));
    }
  }
  const cols = Math.max(1, Math.min(columns, nodes.length));
  const gx = NODE_W + 60;
  const gy = NODE_H + 50;
  const placed = order.map((id, i) => ({ ...nodes.find((n) => n.id === id)!, x: 20 + (i % cols) * gx, y: 20 + Math.floor(i / cols) * gy }));
  return { placed, width: 40 + cols * gx - 60, height: 40 + Math.ceil(order.length / cols) * gy - 50 };
}
