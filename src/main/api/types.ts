/** The shape of a handler: the single implementation of one operation of the contract. */
import type { z } from 'zod';
import type { Operations, QueryName, StreamName } from '../../shared/api/contract';
import type { Session } from '../../shared/api/session';
import type { AppContext } from '../app/context';

export interface HandlerContext {
  session: Session;
  app: AppContext;
  /** Aborted when the caller goes away or cancels; pass it on to database work. */
  signal: AbortSignal;
}

export type QueryHandler<K extends QueryName> = (
  input: z.output<Operations[K]['input']>,
  ctx: HandlerContext,
) => Promise<z.input<Extract<Operations[K], { kind: 'query' }>['output']>>;

export type StreamHandler<K extends StreamName> = (
  input: z.output<Operations[K]['input']>,
  ctx: HandlerContext,
) => AsyncIterable<z.input<Extract<Operations[K], { kind: 'stream' }>['event']>>;

export type HandlerTable = { [K in QueryName]: QueryHandler<K> } & { [K in StreamName]: StreamHandler<K> };
