/**
 * Confirmation before a datasource is removed: says which file and keychain entry go, and which objects
 * and mapping rules will stop loading. Focus starts on "Cancel"; Escape cancels.
 */
import { useEffect, useId, useRef } from 'react';
import type { DatasourceEntry } from './types';

interface Props {
  entry: DatasourceEntry;
  busy: boolean;
  error: string | null;
  onConfirm(force: boolean): void;
  onCancel(): void;
}

export function RemoveDialog({ entry, busy, error, onConfirm, onCancel }: Props) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  const id = useId();
  useEffect(() => cancelRef.current?.focus(), []);
  const inUse = entry.usedBy.length > 0 || entry.mappingRules.length > 0;
  return (
    <div
      className="ds-dialog card"
      role="alertdialog"
      aria-modal="false"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-body`}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onCancel();
        }
      }}
    >
      <h2 id={`${id}-title`}>Remove datasource “{entry.name}”?</h2>
      <div id={`${id}-body`}>
        <p>
          This deletes <code>{entry.file}</code> from the workspace
          {entry.password.source === 'keychain' ? <> and its password from the OS keychain</> : null}. The database itself is not touched.
        </p>
        {inUse && (
          <p className="error">
            {entry.usedBy.length > 0 && (
              <>
                {entry.usedBy.length} object{entry.usedBy.length === 1 ? '' : 's'} read from it ({entry.usedBy.slice(0, 8).join(', ')}
                {entry.usedBy.length > 8 ? ', …' : ''}).{' '}
              </>
            )}
            {entry.mappingRules.length > 0 && <>{entry.mappingRules.length} mapping rule(s) name it. </>}
            The workspace will show problems until they point at another datasource.
          </p>
        )}
      </div>
      {error && (
        <div className="banner error" role="alert">
          {error}
        </div>
      )}
      <div className="ds-actions">
        <span className="ds-spacer" />
        <button ref={cancelRef} type="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        <button type="button" className="ds-danger" onClick={() => onConfirm(inUse)} disabled={busy}>
          {busy ? 'Removing…' : 'Remove datasource'}
        </button>
      </div>
    </div>
  );
}
