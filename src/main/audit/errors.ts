/** The two ways an audit write fails: the log cannot be written (fail closed), or the caller passed something the audit must not keep. */
import { ApiError } from '../../shared/api/errors';

/** The read that caused this entry must fail: nothing is served that is not on the record. */
export class AuditUnavailableError extends ApiError {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super('unavailable', `the audit log at ${file} cannot be written: ${reason}; reads are refused until it can`);
    this.name = 'AuditUnavailableError';
  }
}

/** A programming error in the caller: the entry was refused, and nothing was written. */
export class AuditInputError extends ApiError {
  constructor(message: string, path?: string) {
    super('internal', `audit entry refused: ${message}`, path);
    this.name = 'AuditInputError';
  }
}
