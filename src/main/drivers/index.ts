/**
 * Driver construction and lifetime. `createDriver` builds the right driver for a datasource definition
 * (connecting lazily, on first use); `DriverRegistry` hands out one driver per datasource and closes them
 * all on workspace reload and app exit, so no pool outlives the workspace that opened it.
 */
import type { DatasourceDefinition } from '../metadata/datasource';
import { MongoDriver } from './mongodb/driver';
import { MysqlDriver } from './mysql/driver';
import { PostgresDriver } from './postgres/driver';
import { SqliteDriver } from './sqlite/driver';
import type { Driver, DriverContext } from './types';

export * from './types';
export * from './errors';
export { writesAllowed } from './shared';

export function createDriver(def: DatasourceDefinition, ctx: DriverContext): Driver {
  switch (def.driver) {
    case 'sqlite':
      return new SqliteDriver(def, ctx);
    case 'postgres':
      return new PostgresDriver(def, ctx);
    case 'mysql':
      return new MysqlDriver(def, ctx);
    case 'mongodb':
      return new MongoDriver(def, ctx);
  }
}

export class DriverRegistry {
  private readonly drivers = new Map<string, Driver>();
  private definitions = new Map<string, DatasourceDefinition>();

  constructor(
    definitions: Iterable<DatasourceDefinition>,
    private readonly ctx: DriverContext,
    private readonly factory: (def: DatasourceDefinition, ctx: DriverContext) => Driver = createDriver,
  ) {
    this.setDefinitions(definitions);
  }

  /** The driver for a datasource, created on first request. */
  get(name: string): Driver {
    const existing = this.drivers.get(name);
    if (existing) return existing;
    const def = this.definitions.get(name);
    if (!def) {
      const known = [...this.definitions.keys()];
      throw new Error(`Unknown datasource "${name}" — declared datasources: ${known.length ? known.join(', ') : '(none)'}.`);
    }
    if (def.active === false) throw new Error(`Datasource "${name}" is inactive (active: false) — set active: true to use it.`);
    const driver = this.factory(def, this.ctx);
    this.drivers.set(name, driver);
    return driver;
  }

  has(name: string): boolean {
    return this.definitions.has(name);
  }

  /** Drivers created so far (others have opened no connection). */
  open(): string[] {
    return [...this.drivers.keys()];
  }

  /**
   * Workspace reload: serves the new definitions. By default every driver is closed (a rotated keychain
   * password or anything else outside the definition takes effect). With `keepUnchanged`, a driver whose
   * definition is the same keeps its pool — editing an object file must not cut running queries off.
   */
  async reload(definitions: Iterable<DatasourceDefinition>, options: { keepUnchanged?: boolean } = {}): Promise<void> {
    const next = [...definitions];
    if (!options.keepUnchanged) {
      await this.closeAll();
      this.setDefinitions(next);
      return;
    }
    const same = new Set(next.filter((d) => this.definitions.has(d.name) && sameDefinition(this.definitions.get(d.name)!, d)).map((d) => d.name));
    const closing = [...this.drivers.entries()].filter(([name]) => !same.has(name));
    for (const [name] of closing) this.drivers.delete(name);
    this.setDefinitions(next);
    const results = await Promise.allSettled(closing.map(([, d]) => d.close()));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length > 0) throw new AggregateError(failed.map((f) => f.reason), `${failed.length} driver(s) failed to close cleanly`);
  }

  async closeAll(): Promise<void> {
    const drivers = [...this.drivers.values()];
    this.drivers.clear();
    const results = await Promise.allSettled(drivers.map((d) => d.close()));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length > 0) throw new AggregateError(failed.map((f) => f.reason), `${failed.length} driver(s) failed to close cleanly`);
  }

  private setDefinitions(definitions: Iterable<DatasourceDefinition>) {
    this.definitions = new Map([...definitions].map((d) => [d.name, d]));
  }
}

/** Same connection settings; where the definition was loaded from (`file`) does not matter. */
function sameDefinition(a: DatasourceDefinition, b: DatasourceDefinition): boolean {
  const strip = (d: DatasourceDefinition) => JSON.stringify({ ...d, file: undefined });
  return strip(a) === strip(b);
}
