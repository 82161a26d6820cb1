/** The audit area's public surface: the log the engine writes to, and the readers the CLI and UI use. */
export { AuditLog, type AuditLogOptions } from './audit-log';
export type { WriterMode } from './batch-writer';
export { AuditInputSchema, AuditEntrySchema, AuditFilterSchema, OUTCOMES, type AuditInput, type AuditEntry, type AuditFilter, type Outcome } from './entry';
export { AuditInputError, AuditUnavailableError } from './errors';
export { listEntries, toInstant } from './list';
export { exportCsv, CSV_HEADER } from './export-csv';
export { verifyChain, type VerifyReport, type VerifyProblem, type ProblemKind } from './verify';
export { openAuditReader } from './reader';
export { GENESIS_HASH } from './chain';
