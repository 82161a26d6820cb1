/** Handlers for the operations declared in src/shared/api/contract-ai.ts. */
export const aiHandlers = {} as const;
