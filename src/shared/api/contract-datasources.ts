/** API operations of the datasource manager (issue: Connect a database from the app). Merged into the one table in ./contract.ts. */
import { z } from 'zod';
import { query, stream } from './operation';

void z;
void query;
void stream;

export const datasourceOperations = {} as const;
