/** The API types this screen works with. */
export type { DatasourceEntry, DatasourceStatus } from '../../../shared/api/contract-datasources';
export type { OutputOf } from '../../../shared/api/contract';
