/** API operations of AI chat, models and settings (issue: Data chat). Merged into the one table in ./contract.ts. */
import { z } from 'zod';
import { query, stream } from './operation';

void z;
void query;
void stream;

export const aiOperations = {} as const;
