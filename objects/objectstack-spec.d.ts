/**
 * Editor and `tsc` support for object files written for ObjectOS: the loader serves these specifiers
 * from the `objectdesk` authoring module at run time, so type-check them against it too.
 */
declare module '@objectstack/spec/data' {
  export * from 'objectdesk';
}
declare module '@objectstack/spec' {
  export * from 'objectdesk';
}
