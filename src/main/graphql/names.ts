/** GraphQL names from object and field names: types in PascalCase, fields as they are when GraphQL allows. */
const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

export function isGraphqlName(name: string): boolean {
  return NAME.test(name) && !name.startsWith('__');
}

export function typeName(objectName: string, taken: Set<string>): string {
  let base = objectName
    .split(/[^0-9A-Za-z]+/)
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
  if (!base || !/^[A-Za-z]/.test(base)) base = `O${base}`;
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
  taken.add(name);
  return name;
}
