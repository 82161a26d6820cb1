/**
 * The datasource manager area: connect a database from the app. Definitions are written as
 * `*.datasource.ts` files in the workspace (never with a secret in them); passwords go to the OS keychain.
 */
export { DatasourceManager, type ManagerDeps, type PasswordOutcome, type SaveRequest } from './manager';
export { renderDatasourceFile, MANAGED_HEADER } from './render';
export { definitionOfDraft, draftOfDefinition, inputOfDraft, envPasswordVariables, DraftInvalidError } from './draft';
export { testDraft } from './probe';
export { DATASOURCE_DIR, newDatasourceFile } from './files';
