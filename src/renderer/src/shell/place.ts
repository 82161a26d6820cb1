/** Where the user was (screen or object, with its parameters), remembered per machine across launches. */
export interface Place {
  /** A screen id, 'object' for the object browser, or null for the workspace overview. */
  id: string | null;
  params: Record<string, string>;
}

const KEY = 'objectdesk.place';

export function loadPlace(): Place {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Place | null;
    if (v && (v.id === null || typeof v.id === 'string') && v.params && typeof v.params === 'object') {
      // A record panel or a preset filter is a moment, not a place: reopen the object plainly.
      const { name, object } = v.params as Record<string, string>;
      return { id: v.id, params: { ...(name ? { name } : {}), ...(object ? { object } : {}) } };
    }
  } catch {
    /* unreadable: start at the overview */
  }
  return { id: null, params: {} };
}

export function savePlace(p: Place): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(p));
  } catch {
    /* storage full or disabled: nothing to remember */
  }
}
