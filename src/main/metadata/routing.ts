/**
 * Which datasource an object reads from: its own `datasource` key, else the first `datasourceMapping` rule
 * that matches (namespace, package, object-name glob — all the criteria a rule names must match), else the
 * `default: true` rule. Each decision carries a sentence saying why, for `objectdesk validate --routing`.
 */
import picomatch from 'picomatch';
import type { MappingRule } from './workspace-config';
import type { Routing, Workspace } from './workspace';

export interface RoutingSubject {
  name: string;
  namespace?: string;
  datasource?: string;
  package?: string;
}

export interface RoutingDecision extends Routing {
  /** null when nothing matched: a load error. */
  datasource: string | null;
  namespace: string;
}

/** The declared namespace, else the part of the name before the first "_" ('' if there is none). */
export function namespaceOf(object: { name: string; namespace?: string }): string {
  if (object.namespace) return object.namespace;
  const i = object.name.indexOf('_');
  return i > 0 ? object.name.slice(0, i) : '';
}

const matchers = new Map<string, (name: string) => boolean>();
function globMatcher(pattern: string): (name: string) => boolean {
  let m = matchers.get(pattern);
  if (!m) {
    m = picomatch(pattern);
    matchers.set(pattern, m);
  }
  return m;
}

/** A package matches its own rule and the rules of the folders above it (`sales` matches `sales/emea`). */
function packageMatches(rulePackage: string, pkg: string | undefined): boolean {
  if (pkg === undefined) return false;
  const want = rulePackage.replace(/^\/+|\/+$/g, '');
  return pkg === want || pkg.startsWith(`${want}/`);
}

export function ruleMatches(rule: MappingRule, subject: { name: string; namespace: string; package?: string }): boolean {
  if (rule.default) return true;
  if (rule.namespace === undefined && rule.package === undefined && rule.objectPattern === undefined) return false;
  if (rule.namespace !== undefined && rule.namespace !== subject.namespace) return false;
  if (rule.package !== undefined && !packageMatches(rule.package, subject.package)) return false;
  if (rule.objectPattern !== undefined && !globMatcher(rule.objectPattern)(subject.name)) return false;
  return true;
}

export function describeRule(rule: MappingRule): string {
  const parts: string[] = [];
  if (rule.namespace !== undefined) parts.push(`namespace: '${rule.namespace}'`);
  if (rule.package !== undefined) parts.push(`package: '${rule.package}'`);
  if (rule.objectPattern !== undefined) parts.push(`objectPattern: '${rule.objectPattern}'`);
  if (rule.default) parts.push('default: true');
  parts.push(`datasource: '${rule.datasource}'`);
  return `{ ${parts.join(', ')} }`;
}

function whyMatched(rule: MappingRule, subject: { name: string; namespace: string; package?: string }): string {
  const why: string[] = [];
  if (rule.namespace !== undefined) why.push(`its namespace is "${subject.namespace}"`);
  if (rule.package !== undefined) why.push(`its file is in package "${subject.package}"`);
  if (rule.objectPattern !== undefined) why.push(`its name "${subject.name}" matches "${rule.objectPattern}"`);
  return why.join(' and ');
}

export function resolveRouting(object: RoutingSubject, rules: readonly MappingRule[]): RoutingDecision {
  const namespace = namespaceOf(object);
  if (object.datasource) {
    return {
      datasource: object.datasource,
      namespace,
      source: 'object',
      reason: `the object declares datasource: '${object.datasource}', which overrides the mapping rules`,
    };
  }
  const subject = { name: object.name, namespace, package: object.package };
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    if (!ruleMatches(rule, subject)) continue;
    if (rule.default) {
      return {
        datasource: rule.datasource,
        namespace,
        source: 'default',
        ruleIndex: i,
        reason: `no earlier rule matched, so the default rule datasourceMapping[${i}] applies`,
      };
    }
    return {
      datasource: rule.datasource,
      namespace,
      source: 'rule',
      ruleIndex: i,
      reason: `datasourceMapping[${i}] ${describeRule(rule)} is the first rule that matches: ${whyMatched(rule, subject)}`,
    };
  }
  const facts = [`namespace "${namespace}"`, `package ${object.package === undefined ? '(top level)' : `"${object.package}"`}`];
  return {
    datasource: null,
    namespace,
    source: 'rule',
    reason: `no datasourceMapping rule matches it (${facts.join(', ')}) and there is no default rule`,
  };
}

export interface RoutingExplanation {
  object: string;
  file: string;
  namespace: string;
  package?: string;
  datasource: string;
  source: Routing['source'];
  ruleIndex?: number;
  /** The matching rule as written, e.g. `{ namespace: 'chinook', datasource: 'chinook' }`. */
  rule?: string;
  reason: string;
}

/** For every object (sorted by name): where it reads from and why. */
export function explainRouting(workspace: Workspace): RoutingExplanation[] {
  const rules = workspace.config.datasourceMapping;
  return [...workspace.objects.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((o) => ({
      object: o.name,
      file: o.file,
      namespace: o.namespace,
      ...(o.package !== undefined ? { package: o.package } : {}),
      datasource: o.datasource,
      source: o.routing.source,
      ...(o.routing.ruleIndex !== undefined ? { ruleIndex: o.routing.ruleIndex, rule: describeRule(rules[o.routing.ruleIndex]) } : {}),
      reason: o.routing.reason,
    }));
}
