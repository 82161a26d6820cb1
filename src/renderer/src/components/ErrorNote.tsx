/** An API error shown next to what caused it, with the path the engine named and an optional retry. */
import { ApiError } from '../../../shared/api/errors';

export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.path ? `${e.message}` : e.message;
  return e instanceof Error ? e.message : String(e);
}

export function ErrorNote({ error, onRetry, onDismiss }: { error: unknown; onRetry?: () => void; onDismiss?: () => void }) {
  if (!error) return null;
  const path = error instanceof ApiError ? error.path : undefined;
  return (
    <div className="banner error" role="alert">
      <span>{typeof error === 'string' ? error : errorText(error)}</span>
      {path && <code className="small"> at {path}</code>}
      {onRetry && <button onClick={onRetry}>Retry</button>}
      {onDismiss && (
        <button className="ghost" onClick={onDismiss} aria-label="Dismiss">
          ×
        </button>
      )}
    </div>
  );
}
