/**
 * Connection checks that answer with data instead of throwing: the driver's specific code (auth_failed,
 * refused, database_missing, tls_required, …) and its message, scrubbed of the password once more in case
 * any text on the way quoted it. Used for a draft that is not saved yet and for saved datasources.
 */
import type { DatasourceDraft, TestResult } from '../../shared/api/contract-datasources';
import { ConnectionError, createDriver, scrub, type Driver } from '../drivers';
import type { SecretRef } from '../metadata/datasource';
import { DatasourceSchema } from '../metadata/datasource';
import { SecretError, createSecretResolver, type SecretStore } from '../secrets';
import { inputOfDraft } from './draft';

export interface ProbeOptions {
  workspaceRoot: string;
  secrets: SecretStore;
  env: NodeJS.ProcessEnv;
  /** A password typed in the form (write-only); without it the stored one is used. */
  password?: string;
}

export function failure(e: unknown, ...secrets: (string | undefined)[]): Extract<TestResult, { ok: false }> {
  if (e instanceof ConnectionError) return { ok: false, code: e.code, message: scrub(e.message, secrets) };
  if (e instanceof SecretError) return { ok: false, code: e.code, message: scrub(e.message, secrets) };
  const name = e instanceof Error ? e.name : '';
  const message = scrub(e instanceof Error ? e.message : String(e), secrets);
  return { ok: false, code: name === 'DriverClosedError' ? 'closed' : 'unavailable', message };
}

/** Connects with a draft definition (a throwaway driver, closed afterwards). Nothing is saved. */
export async function testDraft(draft: DatasourceDraft, opts: ProbeOptions): Promise<TestResult> {
  const typed = opts.password;
  if ('password' in draft && draft.password.source === 'env' && !typed) {
    const value = opts.env[draft.password.variable];
    if (value === undefined || value === '') {
      return {
        ok: false,
        code: 'secret_missing',
        message: `The environment variable ${draft.password.variable} is not set where ObjectDesk runs, so there is no password to connect with — set it before starting ObjectDesk, type the password here to test, or keep the password in the OS keychain instead.`,
      };
    }
  }
  // A typed password is handed to the driver through the same secret-reference path a saved datasource uses.
  const input =
    typed && draft.driver !== 'sqlite'
      ? inputOfDraft({ ...draft, password: { source: 'keychain' } }, () => undefined)
      : inputOfDraft(draft, (v) => opts.env[v]);
  const parsed = DatasourceSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, code: 'invalid', message: `${issue.path.join('.') || 'draft'}: ${issue.message}` };
  }
  const fromStore = createSecretResolver(opts.secrets);
  const resolveSecret = async (ref: SecretRef) => (typed && ref.$secret === draft.name ? typed : fromStore(ref));
  let driver: Driver | undefined;
  try {
    driver = createDriver(parsed.data, { workspaceRoot: opts.workspaceRoot, resolveSecret });
    const check = await driver.testConnection();
    return { ok: true, serverVersion: check.serverVersion, latencyMs: Math.round(check.latencyMs * 10) / 10 };
  } catch (e) {
    return failure(e, typed);
  } finally {
    await driver?.close().catch(() => undefined);
  }
}
