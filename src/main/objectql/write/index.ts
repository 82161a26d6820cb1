/** The write path of ObjectQL: one record by primary key, compiled with Kysely, run only through a driver's `write()`. */
export { compileDelete, compileInsert, compileUpdate, type ColumnValue, type CompiledWrite, type Guard, type TableRef } from './compile';
export { embedCompiled } from './embed';
export { writeParam, WriteValueError } from './values';
