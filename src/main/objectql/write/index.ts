/** The write path of ObjectQL: one record by primary key, compiled with Kysely, run only through a driver's `write()`. */
export { compileDelete, compileInsert, compileUpdate, type ColumnValue, type CompiledWrite, type Guard, type TableRef } from './compile';
export { embedCompiled, type Splice } from './embed';
export { compileRowProbe, rowCheckSelect, type NewRow, type RowCheck } from './new-row';
export { writeParam, WriteValueError } from './values';
