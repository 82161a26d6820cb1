/** Handlers for the operations declared in src/shared/api/contract-desk.ts. */
export const deskHandlers = {} as const;
