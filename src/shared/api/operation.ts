/** The two kinds of API operation and their builders, used by every contract-<area>.ts. */
import type { z } from 'zod';

export interface QueryOperation<I extends z.ZodType, O extends z.ZodType> {
  kind: 'query';
  description: string;
  input: I;
  output: O;
}
export interface StreamOperation<I extends z.ZodType, E extends z.ZodType> {
  kind: 'stream';
  description: string;
  input: I;
  event: E;
}

export const query = <I extends z.ZodType, O extends z.ZodType>(description: string, input: I, output: O): QueryOperation<I, O> => ({
  kind: 'query',
  description,
  input,
  output,
});
export const stream = <I extends z.ZodType, E extends z.ZodType>(description: string, input: I, event: E): StreamOperation<I, E> => ({
  kind: 'stream',
  description,
  input,
  event,
});
