/**
 * The one `graphql` module instance. graphql 16 ships CommonJS (`main`) and ESM (`module`) builds without an
 * exports map: Node (and graphql-http's ESM build) load the CommonJS one, bundlers and Vite pick the ESM one,
 * and a schema built by one is refused by the other ("Cannot use GraphQLSchema from another module or
 * realm"). Naming the CommonJS file makes every loader agree with graphql-http.
 */
export * from 'graphql/index.js';
