/**
 * Errors of the secrets layer. They name the account and say what to do; they never carry the secret
 * value, nor the native error object (whose fields we do not control), only its message after scrubbing.
 */
import { suggestedEnvVar } from './store';

export type SecretErrorCode = 'secret_missing' | 'keychain_unavailable' | 'keychain_failed' | 'invalid_account' | 'invalid_value';

export class SecretError extends Error {
  override readonly name = 'SecretError';
  constructor(
    readonly code: SecretErrorCode,
    readonly account: string,
    /** What is wrong, without the fix. */
    readonly reason: string,
    readonly howToFix: string,
  ) {
    super(howToFix ? `${reason} ${howToFix}` : reason);
  }

  toJSON(): { name: string; code: SecretErrorCode; account: string; reason: string; message: string; howToFix: string } {
    return { name: this.name, code: this.code, account: this.account, reason: this.reason, message: this.message, howToFix: this.howToFix };
  }
}

/** The environment-variable route, phrased once so every message offers it the same way. */
export function envRoute(account: string): string {
  return `put the password in an environment variable and refer to it from the datasource file: \`password: process.env.${suggestedEnvVar(account)}\``;
}

/** Removes every occurrence of `value` from a message that came from outside our code. */
export function scrub(message: string, ...values: (string | undefined)[]): string {
  let out = message;
  for (const v of values) if (v) out = out.split(v).join('[redacted]');
  return out;
}
