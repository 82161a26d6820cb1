/**
 * The introspect area: catalog readers (per engine, behind Driver.introspect), the object-draft
 * generator, one-step import with re-import merge, and schema drift.
 */
export * from './catalog';
export { draftCatalog, draftTable, type Draft, type DraftObject, type DraftField, type Snapshot } from './draft';
export { renderObjectFile, readSnapshot, fieldSource } from './render';
export { planImport, writeImport, importObjects, type ImportFile, type ImportPlan, type ImportOptions, type ExistingObject } from './import';
export { mergeObject, compatibleTypes, type MergeResult } from './merge';
export { diffObjects, formatDrift, type DriftItem, type DriftKind, type DiffSubject } from './diff';
export { evaluateObjectFile, toDraftObject } from './object-file';
export { unifiedDiff } from './unified-diff';
export { snakeCase, humanize, objectName } from './naming';
export { mapColumn } from './type-mapping';
export { sampleCatalog, type SampleSource } from './readers/mongodb';
