/** Handlers for the operations declared in src/shared/api/contract-datasources.ts. */
export const datasourceHandlers = {} as const;
