/**
 * The signed-in user, always visible. When the governance API offers `auth.switchUser`, the menu lets the
 * user act as another workspace user (everything afterwards runs and is audited as them).
 */
import { useState } from 'react';
import type { AppInfo } from '../../../shared/api/contract';
import { operations } from '../../../shared/api/contract';
import { useBridge } from '../bridge/context';
import { errorText } from '../components/ErrorNote';

const canSwitch = Object.prototype.hasOwnProperty.call(operations, 'auth.switchUser');

export function UserMenu({ info, onSwitched }: { info: AppInfo; onSwitched(): void }) {
  const bridge = useBridge();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const label = (
    <>
      {info.user.label}
      {info.user.admin ? ' · admin' : ''}
    </>
  );
  if (!canSwitch || info.users.length < 2) {
    return (
      <span className="user" data-testid="signed-in-user" title={info.user.name}>
        {label}
      </span>
    );
  }
  const switchTo = async (name: string) => {
    setError(null);
    try {
      await (bridge.call as (op: string, input: unknown, reason?: string) => Promise<unknown>)('auth.switchUser', { user: name }, 'switch user');
      setOpen(false);
      onSwitched();
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <div className="popover-anchor">
      <button className="user" data-testid="signed-in-user" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)} title={`Signed in as ${info.user.name}`}>
        {label} ▾
      </button>
      {open && (
        <div className="popover right" role="menu" aria-label="Switch user" onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
          {info.users.map((u) => (
            <button key={u.name} role="menuitemradio" aria-checked={u.name === info.user.name} className={u.name === info.user.name ? 'active' : undefined} onClick={() => void switchTo(u.name)}>
              {u.label} <span className="muted small">{u.name}{u.admin ? ' · admin' : ''}</span>
            </button>
          ))}
          {error && <p className="error small" role="alert">{error}</p>}
        </div>
      )}
    </div>
  );
}
