import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * Whether the field being resolved asks, at any depth, for a field named `name` (through fragments
 * too). Used to start upstream calls as soon as their key is known, and only when the query needs
 * them. Fragments on another type than `typeName` are passed over.
 */
export function selects(info: GraphQLResolveInfo, name: string, typeName?: string): boolean {
  const seen = new Set<string>();
  const visit = (set: SelectionSetNode | undefined): boolean =>
    set?.selections.some((node) => {
      switch (node.kind) {
        case Kind.FIELD:
          return node.name.value === name || visit(node.selectionSet);
        case Kind.INLINE_FRAGMENT:
          return (typeName === undefined || onType(node.typeCondition?.name.value, typeName)) && visit(node.selectionSet);
        case Kind.FRAGMENT_SPREAD: {
          const fragment = info.fragments[node.name.value];
          if (fragment === undefined || seen.has(node.name.value)) return false;
          seen.add(node.name.value);
          return (typeName === undefined || onType(fragment.typeCondition.name.value, typeName)) && visit(fragment.selectionSet);
        }
        default:
          return false;
      }
    }) ?? false;
  return info.fieldNodes.some((node) => visit(node.selectionSet));
}

// Only entity types are asked about; a fragment on another object type cannot apply to them.
const OBJECT_TYPES_WITH_FRAGMENTS = new Set(['Server', 'Port', 'Subnet', 'Vip']);

function onType(condition: string | undefined, typeName: string): boolean {
  return condition === undefined || condition === typeName || !OBJECT_TYPES_WITH_FRAGMENTS.has(condition);
}
