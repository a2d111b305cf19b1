import {
  getNamedType,
  getNullableType,
  isAbstractType,
  isCompositeType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type FieldNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import type { RequestLimits } from './request-limits.js';

/**
 * How many result nodes a value of one field brings into the answer. A node is an object or a
 * leaf; a list counts its items. Subfields that have a resolver of their own are left out: they
 * count themselves when they resolve. Subfields without one are read from the value here, as the
 * default resolver will read them (`fixedIps` of an interface, `edges` of a connection).
 */
interface Plan {
  /** By the object type a value can be; one entry for a field of an object type. */
  byType: Map<string, ObjectPlan>;
  /** The largest of them, for a value of an abstract type that does not name its own. */
  widest: ObjectPlan;
}

interface ObjectPlan {
  /** Leaf subfields (`__typename` included); subfields with a resolver of their own are not here. */
  leaves: number;
  /** Subfields read from the value itself, by field name. */
  nested: { name: string; plan: Plan }[];
}

interface CountingContext {
  limits?: RequestLimits;
}

/**
 * Makes every resolver of a field of object, interface or union type count what it returns
 * against its request's `MAX_RESPONSE_NODES`, and hand out nothing more once the request has
 * passed a limit: a list then answers empty (or null, where it may), so an answer that would grow
 * past the limit stops growing where it stands instead of exhausting memory.
 */
export function countResultNodes(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const { resolve } = field;
      if (resolve === undefined || !isCompositeType(getNamedType(field.type))) continue;
      const empty = emptyValue(field.type);
      field.resolve = (source, args, context: CountingContext, info) => {
        const value: unknown = resolve(source, args, context, info);
        const limits = context.limits;
        if (limits === undefined) return value;
        return value instanceof Promise ? value.then((v: unknown) => admit(v, limits, info, empty)) : admit(value, limits, info, empty);
      };
    }
  }
}

function admit(value: unknown, limits: RequestLimits, info: GraphQLResolveInfo, empty: unknown): unknown {
  const admitted = limits.refusal === undefined && limits.admitNodes(countValue(value, planOf(info)));
  return admitted || empty === KEEP ? value : empty;
}

const KEEP = Symbol('keep');

/** What a stopped request's field answers: a list nothing, a nullable field null; a non-null object keeps its value, whose lists answer nothing in turn. */
function emptyValue(type: GraphQLOutputType): unknown {
  if (!isNonNullType(type)) return null;
  return isListType(type.ofType) ? [] : KEEP;
}

function countValue(value: unknown, plan: Plan): number {
  if (value === null || value === undefined || typeof value !== 'object') return 1;
  if (Array.isArray(value)) {
    const only = plan.byType.size === 1 ? plan.widest : undefined;
    // A list of flat objects of one type: every item brings the same count.
    if (only !== undefined && only.nested.length === 0) return value.length * (1 + only.leaves);
    let count = 0;
    for (const item of value) count += countValue(item, plan);
    return count;
  }
  const record = value as Record<string, unknown>;
  const typename = record['__typename'];
  const own = (typeof typename === 'string' ? plan.byType.get(typename) : undefined) ?? plan.widest;
  let count = 1 + own.leaves;
  for (const { name, plan: inner } of own.nested) count += countValue(record[name], inner);
  return count;
}

const plans = new WeakMap<FieldNode, { nodes: readonly FieldNode[]; plan: Plan }>();

function planOf(info: GraphQLResolveInfo): Plan {
  const { fieldNodes } = info;
  const first = fieldNodes[0];
  const known = first === undefined ? undefined : plans.get(first);
  if (known !== undefined && sameNodes(known.nodes, fieldNodes)) return known.plan;
  const plan = buildPlan(info.schema, info.fragments, info.returnType, fieldNodes);
  if (first !== undefined) plans.set(first, { nodes: fieldNodes, plan });
  return plan;
}

function sameNodes(a: readonly FieldNode[], b: readonly FieldNode[]): boolean {
  return a === b || (a.length === b.length && a.every((node, i) => node === b[i]));
}

type Fragments = GraphQLResolveInfo['fragments'];

function buildPlan(schema: GraphQLSchema, fragments: Fragments, type: GraphQLOutputType, nodes: readonly FieldNode[]): Plan {
  const named = getNamedType(getNullableType(type));
  const possible = isAbstractType(named) ? schema.getPossibleTypes(named) : isObjectType(named) ? [named] : [];
  const byType = new Map<string, ObjectPlan>();
  for (const object of possible) byType.set(object.name, objectPlan(schema, fragments, object, nodes));
  let widest: ObjectPlan = { leaves: 0, nested: [] };
  for (const candidate of byType.values()) if (candidate.leaves + candidate.nested.length > widest.leaves + widest.nested.length) widest = candidate;
  return { byType, widest };
}

function objectPlan(schema: GraphQLSchema, fragments: Fragments, type: GraphQLObjectType, nodes: readonly FieldNode[]): ObjectPlan {
  // Subfields by response key, merged as execution merges them.
  const byKey = new Map<string, FieldNode[]>();
  const seen = new Set<string>();
  const collect = (set: SelectionSetNode | undefined): void => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        byKey.set(key, [...(byKey.get(key) ?? []), selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (applies(schema, selection.typeCondition?.name.value, type)) collect(selection.selectionSet);
      } else {
        const fragment = fragments[selection.name.value];
        if (fragment === undefined || seen.has(selection.name.value)) continue;
        seen.add(selection.name.value);
        if (applies(schema, fragment.typeCondition.name.value, type)) collect(fragment.selectionSet);
      }
    }
  };
  for (const node of nodes) collect(node.selectionSet);

  const plan: ObjectPlan = { leaves: 0, nested: [] };
  for (const fieldNodes of byKey.values()) {
    const name = fieldNodes[0]?.name.value ?? '';
    const field: GraphQLField<unknown, unknown> | undefined = type.getFields()[name];
    if (field === undefined || !isCompositeType(getNamedType(field.type))) plan.leaves++;
    else if (field.resolve === undefined) plan.nested.push({ name, plan: buildPlan(schema, fragments, field.type, fieldNodes) });
  }
  return plan;
}

function applies(schema: GraphQLSchema, condition: string | undefined, type: GraphQLObjectType): boolean {
  if (condition === undefined || condition === type.name) return true;
  const conditionType = schema.getType(condition);
  return conditionType !== undefined && isAbstractType(conditionType) && schema.isSubType(conditionType, type);
}
