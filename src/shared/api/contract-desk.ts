/** API operations of the analyst's desk: export, saved queries, audit viewer, modeler (issue: The analyst's desk). Merged into the one table in ./contract.ts. */
import { z } from 'zod';
import { query, stream } from './operation';

void z;
void query;
void stream;

export const deskOperations = {} as const;
