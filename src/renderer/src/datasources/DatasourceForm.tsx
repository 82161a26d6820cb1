/**
 * Add / edit one datasource. PostgreSQL and MySQL: host, port, database, user; SQLite: a file path;
 * MongoDB: a connection string without credentials plus the separate password. The password input is
 * uncontrolled and write-only: its value is read only when testing or saving, is never put in React
 * state, the DOM's attributes or storage, and is cleared once saved. Bad input keeps everything typed.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useBridge } from '../bridge/context';
import type { DatasourceEntry, OutputOf } from './types';
import type { TestResult } from '../../../shared/api/contract-datasources';
import { ApiError } from '../../../shared/api/errors';
import { readMemory, rememberForm } from './memory';
import {
  DRIVER_LABELS,
  draftOfForm,
  emptyForm,
  fieldOfApiPath,
  formOfDraft,
  switchDriver,
  type FieldErrors,
  type FieldName,
  type FormState,
} from './form-model';

interface Props {
  /** The datasource being edited; absent when adding. */
  entry?: DatasourceEntry;
  keychainOk: boolean;
  onSaved(result: OutputOf<'datasources.save'>): void;
  onCancel(): void;
}

export function DatasourceForm({ entry, keychainOk, onSaved, onCancel }: Props) {
  const bridge = useBridge();
  const memoryKey = entry ? `edit:${entry.name}` : 'add';
  const [state, setState] = useState<FormState>(() =>
    readMemory().form?.key === memoryKey ? readMemory().form!.state : entry?.draft ? formOfDraft(entry.draft) : emptyForm(),
  );
  useEffect(() => {
    rememberForm(memoryKey, state);
  }, [memoryKey, state]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [test, setTest] = useState<{ running: boolean; result?: TestResult }>({ running: false });
  const [saving, setSaving] = useState(false);
  const [showAdvanced, setShowAdvanced] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);
  const firstRef = useRef<HTMLSelectElement>(null);
  const ids = useId();

  useEffect(() => firstRef.current?.focus(), []);

  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => {
    setState((s) => ({ ...s, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined }));
  };
  const typedPassword = (): string | undefined => {
    const v = passwordRef.current?.value ?? '';
    return v === '' ? undefined : v;
  };
  const hasPassword = state.driver !== 'sqlite';
  const network = state.driver === 'postgres' || state.driver === 'mysql';

  const validate = () => {
    const out = draftOfForm(state);
    if (!out.ok) {
      setErrors(out.errors);
      setFormError('Some fields need attention — see the messages next to them.');
      const first = Object.keys(out.errors)[0];
      if (first) document.getElementById(`${ids}-${first}`)?.focus();
      return null;
    }
    setErrors({});
    setFormError(null);
    return out.draft;
  };

  const runTest = async () => {
    const draft = validate();
    if (!draft) return;
    setTest({ running: true });
    try {
      const result = await bridge.call('datasources.test', { draft, ...(hasPassword && typedPassword() ? { password: typedPassword() } : {}) }, `Test connection of datasource ${draft.name}`);
      setTest({ running: false, result });
    } catch (e) {
      setTest({ running: false });
      showApiError(e);
    }
  };

  const showApiError = (e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    const field = e instanceof ApiError ? fieldOfApiPath(e.path) : undefined;
    if (field) {
      setErrors((x) => ({ ...x, [field]: message }));
      document.getElementById(`${ids}-${field}`)?.focus();
    }
    setFormError(message);
  };

  const save = async () => {
    const draft = validate();
    if (!draft) return;
    setSaving(true);
    const password = hasPassword && state.passwordSource === 'keychain' ? typedPassword() : undefined;
    try {
      const result = await bridge.call(
        'datasources.save',
        { draft, ...(password ? { password } : {}), ...(entry ? { previousName: entry.name } : {}) },
        entry ? `Edit datasource ${entry.name}` : `Add datasource ${draft.name}`,
      );
      if (passwordRef.current) passwordRef.current.value = '';
      onSaved(result);
    } catch (e) {
      showApiError(e);
    } finally {
      setSaving(false);
    }
  };

  const storedHint =
    entry?.password.source === 'keychain' && entry.password.stored
      ? 'A password is stored in the OS keychain. Leave this empty to keep it; type a new one to replace it.'
      : 'Kept in the OS keychain (service "objectdesk"), never in the workspace file.';

  const field = (name: FieldName, label: string, input: ReactNode, hint?: string) => (
    <div className={`ds-field${errors[name] ? ' invalid' : ''}`}>
      <label htmlFor={`${ids}-${name}`}>{label}</label>
      {input}
      {errors[name] ? (
        <span className="ds-field-error" id={`${ids}-${name}-error`} role="alert">
          {errors[name]}
        </span>
      ) : hint ? (
        <span className="ds-hint" id={`${ids}-${name}-hint`}>
          {hint}
        </span>
      ) : null}
    </div>
  );
  const text = (name: keyof FormState & FieldName, props: { placeholder?: string; type?: string; inputMode?: 'numeric'; autoComplete?: string } = {}) => (
    <input
      id={`${ids}-${name}`}
      type={props.type ?? 'text'}
      value={String(state[name])}
      placeholder={props.placeholder}
      inputMode={props.inputMode}
      autoComplete={props.autoComplete ?? 'off'}
      spellCheck={false}
      aria-invalid={Boolean(errors[name])}
      aria-describedby={errors[name] ? `${ids}-${name}-error` : `${ids}-${name}-hint`}
      onChange={(e) => set(name, e.target.value as never)}
    />
  );
  const check = (name: 'readOnly' | 'allowWrites' | 'active' | 'ssl' | 'sslVerify', label: string, hint?: string) => (
    <label className="ds-check">
      <input id={`${ids}-${name}`} type="checkbox" checked={state[name]} onChange={(e) => set(name, e.target.checked)} />
      <span>
        {label}
        {hint && <span className="ds-hint"> — {hint}</span>}
      </span>
    </label>
  );

  return (
    <form
      className="card ds-form"
      aria-label={entry ? `Edit datasource ${entry.name}` : 'Add datasource'}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onCancel();
        }
      }}
    >
      <h2>{entry ? `Edit ${entry.name}` : 'Add a datasource'}</h2>
      {formError && (
        <div className="banner error" role="alert" data-testid="ds-form-error">
          {formError}
        </div>
      )}
      <div className="ds-grid">
        <div className="ds-field">
          <label htmlFor={`${ids}-driver`}>Type</label>
          <select id={`${ids}-driver`} ref={firstRef} value={state.driver} onChange={(e) => setState((s) => switchDriver(s, e.target.value as FormState['driver']))}>
            {(Object.keys(DRIVER_LABELS) as FormState['driver'][]).map((d) => (
              <option key={d} value={d}>
                {DRIVER_LABELS[d]}
              </option>
            ))}
          </select>
        </div>
        {field('name', 'Name', text('name', { placeholder: 'business_primary' }), 'lower_snake_case; objects refer to it by this name')}
        {field('label', 'Label', text('label', { placeholder: 'Business DB (optional)' }))}

        {network && (
          <>
            {field('host', 'Host', text('host', { placeholder: 'db.example.com' }))}
            {field('port', 'Port', text('port', { inputMode: 'numeric' }))}
            {field('database', 'Database', text('database'))}
            {field('user', 'User', text('user', { autoComplete: 'username' }))}
          </>
        )}
        {state.driver === 'sqlite' &&
          field('filename', 'Database file', text('filename', { placeholder: 'data/business.sqlite' }), 'Path of the SQLite file; relative paths start at the workspace folder. It is opened read-only.')}
        {state.driver === 'mongodb' && (
          <>
            {field('url', 'Connection string', text('url', { placeholder: 'mongodb://db.example.com:27017/?replicaSet=rs0' }), 'Without user:password@ — give the user and the password in their own fields.')}
            {field('database', 'Database', text('database'))}
            {field('user', 'User', text('user', { autoComplete: 'username' }))}
          </>
        )}

        {hasPassword && (
          <fieldset className="ds-field ds-wide ds-password">
            <legend>Password</legend>
            <div className="ds-radios" role="radiogroup" aria-label="Where the password comes from">
              {(
                [
                  ['keychain', 'OS keychain'],
                  ['env', 'Environment variable'],
                  ['none', 'No password'],
                ] as const
              ).map(([value, label]) => (
                <label key={value} className="ds-check">
                  <input type="radio" name={`${ids}-password-source`} value={value} checked={state.passwordSource === value} onChange={() => set('passwordSource', value)} />
                  <span>{label}</span>
                </label>
              ))}
            </div>
            {state.passwordSource === 'keychain' && (
              <>
                {!keychainOk && (
                  <p className="ds-hint error">No OS keychain can be used here, so a password cannot be stored — use an environment variable instead (see the note above the list).</p>
                )}
                <div className={`ds-field${errors.password ? ' invalid' : ''}`}>
                  <label htmlFor={`${ids}-password`}>{entry ? 'New password' : 'Password'}</label>
                  <input
                    id={`${ids}-password`}
                    ref={passwordRef}
                    type="password"
                    autoComplete="new-password"
                    defaultValue=""
                    data-testid="ds-password"
                    aria-describedby={`${ids}-password-hint`}
                    onChange={() => errors.password && setErrors((x) => ({ ...x, password: undefined }))}
                  />
                  {errors.password ? (
                    <span className="ds-field-error" role="alert">
                      {errors.password}
                    </span>
                  ) : (
                    <span className="ds-hint" id={`${ids}-password-hint`}>
                      {storedHint}
                    </span>
                  )}
                </div>
              </>
            )}
            {state.passwordSource === 'env' &&
              field('envVariable', 'Variable name', text('envVariable', { placeholder: 'BIZ_DB_PASSWORD' }), 'Read when the workspace loads: the file says password: process.env.<NAME>.')}
          </fieldset>
        )}

        <fieldset className="ds-field ds-wide">
          <legend>Access</legend>
          {check('readOnly', 'Read-only sessions', 'every read runs in a read-only session or transaction')}
          {check('allowWrites', 'Allow writes', 'needs read-only off too, plus writable objects and permission')}
          {check('active', 'Active')}
          {state.allowWrites && state.readOnly && <p className="ds-hint">Writes stay off while read-only sessions are on.</p>}
        </fieldset>
      </div>

      <button type="button" className="ghost ds-toggle" aria-expanded={showAdvanced} onClick={() => setShowAdvanced((v) => !v)}>
        {showAdvanced ? '▾' : '▸'} SSL, pool and limits
      </button>
      {showAdvanced && (
        <div className="ds-grid">
          {state.driver !== 'sqlite' && (
            <fieldset className="ds-field ds-wide">
              <legend>SSL / TLS</legend>
              {check('ssl', 'Encrypt the connection')}
              {state.ssl && (
                <>
                  {check('sslVerify', 'Verify the server certificate', 'turn off only for self-signed test servers')}
                  {field('sslServername', 'Server name (SNI)', text('sslServername'))}
                  {field('sslCa', 'CA certificate (PEM)', <textarea id={`${ids}-sslCa`} rows={3} value={state.sslCa} onChange={(e) => set('sslCa', e.target.value)} spellCheck={false} />)}
                  {field('sslCert', 'Client certificate (PEM)', <textarea id={`${ids}-sslCert`} rows={3} value={state.sslCert} onChange={(e) => set('sslCert', e.target.value)} spellCheck={false} />)}
                  {state.sslKeySecret && <p className="ds-hint">The client key stays in the keychain entry "{state.sslKeySecret}".</p>}
                </>
              )}
            </fieldset>
          )}
          {field('poolMin', 'Pool: min connections', text('poolMin', { inputMode: 'numeric', placeholder: '0' }))}
          {field('poolMax', 'Pool: max connections', text('poolMax', { inputMode: 'numeric', placeholder: '5' }))}
          {field('poolIdle', 'Pool: idle timeout (ms)', text('poolIdle', { inputMode: 'numeric', placeholder: '30000' }))}
          {field('poolConnect', 'Connect timeout (ms)', text('poolConnect', { inputMode: 'numeric', placeholder: '5000' }))}
          {field('queryTimeoutMs', 'Query timeout (ms)', text('queryTimeoutMs', { inputMode: 'numeric', placeholder: 'none' }))}
          {state.driver === 'postgres' && field('applicationName', 'Application name', text('applicationName', { placeholder: `objectdesk:${state.name || 'name'}` }))}
          {state.driver === 'mongodb' && field('sampleSize', 'Documents sampled per collection', text('sampleSize', { inputMode: 'numeric' }))}
          {state.driver !== 'sqlite' &&
            field('allowedSchemas', 'Allowed schemas', text('allowedSchemas', { placeholder: 'public, sales' }), 'Comma-separated; empty means all schemas the user can see.')}
        </div>
      )}

      {test.result && (
        <div className={`ds-test ${test.result.ok ? 'ok' : 'error'}`} role={test.result.ok ? 'status' : 'alert'} data-testid="ds-test-result">
          {test.result.ok ? (
            <>
              <strong>Connected</strong> — {test.result.serverVersion} ({test.result.latencyMs} ms)
            </>
          ) : (
            <>
              <strong>Connection failed</strong> <code data-testid="ds-test-code">{test.result.code}</code>
              <p>{test.result.message}</p>
            </>
          )}
        </div>
      )}
      <div className="ds-actions">
        <button type="button" onClick={() => void runTest()} disabled={test.running || saving}>
          {test.running ? 'Testing…' : 'Test connection'}
        </button>
        <span className="ds-spacer" />
        <button type="button" className="ghost" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary ds-primary" disabled={saving}>
          {saving ? 'Saving…' : entry ? 'Save changes' : 'Save datasource'}
        </button>
      </div>
    </form>
  );
}
