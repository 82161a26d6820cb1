/** Datasource health, always visible in the top bar: one dot per datasource, re-checked every minute. */
import { useEffect } from 'react';
import { useQuery } from '../bridge/context';

const RECHECK_MS = 60_000;

export function HealthIndicator() {
  const [health, recheck] = useQuery('desk.health', {}, 'datasource health');
  useEffect(() => {
    const t = setInterval(recheck, RECHECK_MS);
    return () => clearInterval(t);
  }, [recheck]);
  if (health.status === 'loading') return <span className="health muted small">checking…</span>;
  if (health.status === 'error') return <span className="health small error" title={health.message}>health unknown</span>;
  const bad = health.value.filter((d) => d.status !== 'ok');
  return (
    <button
      className={`health ghost small${bad.length ? ' bad' : ''}`}
      data-testid="datasource-health"
      onClick={recheck}
      title={health.value.map((d) => `${d.label}: ${d.status === 'ok' ? `ok, ${d.serverVersion ?? ''} ${d.latencyMs ?? ''} ms` : d.message}`).join('\n') + '\nClick to check again.'}
    >
      {health.value.map((d) => (
        <span key={d.name} className="health-item">
          <span className={`dot ${d.status}`} aria-hidden="true" />
          {d.label}
          <span className="sr-only">{d.status === 'ok' ? ' reachable' : ` unreachable: ${d.message}`}</span>
        </span>
      ))}
      {health.value.length === 0 && <span className="muted">no datasources</span>}
    </button>
  );
}
