import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { GraphQLError, parse, type DocumentNode, type ParseOptions, type Source } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import type { RequestLimitsConfig } from '../config.js';

export type DocumentLimits = Pick<RequestLimitsConfig, 'maxDepth' | 'maxAliases' | 'maxTokens'>;

/**
 * Brackets nested deeper than this are refused before the parser sees them: the parser and the
 * validation rules recurse per level and would overflow their stacks on a few thousand. Fields
 * are bounded far lower by `MAX_DEPTH` (at most 100); this bounds what the depth rule does not
 * see (input objects and lists in arguments) and what it would only see once parsed.
 */
const MAX_NESTING = 256;

/**
 * Depth, aliases and tokens of a document are bounded, the tokens while it is parsed, its nesting
 * before. A document refused here never reaches validation, execution or an upstream.
 */
export function useDocumentLimits(limits: DocumentLimits): Plugin {
  const refuse = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
  const depth = maxDepthRule({ n: limits.maxDepth, flattenFragments: true, exposeLimits: true, propagateOnRejection: true });
  const aliases = maxAliasesRule({ n: limits.maxAliases, allowList: [], exposeLimits: true, propagateOnRejection: true });
  return {
    onParse({ params, setParseFn }) {
      const source = params.source as string | Source;
      const deepest = nesting(typeof source === 'string' ? source : source.body);
      if (deepest > MAX_NESTING) throw refuse(`The document nests brackets ${deepest} levels deep; at most ${MAX_NESTING} are accepted.`);
      setParseFn((text: string | Source, options?: ParseOptions) => parse(text, { ...options, maxTokens: limits.maxTokens }));
    },
    onValidate({ addValidationRule }) {
      addValidationRule(depth);
      addValidationRule(aliases);
    },
  };
}

/** How deep `{`, `(` and `[` nest in GraphQL text, outside strings and comments. */
export function nesting(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '#') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
    } else if (ch === '"') {
      const block = text.startsWith('"""', i);
      const end = block ? '"""' : '"';
      i += end.length;
      while (i < text.length && !text.startsWith(end, i)) i += text[i] === '\\' ? 2 : 1;
      i += end.length - 1;
    } else if (ch === '{' || ch === '(' || ch === '[') {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (ch === '}' || ch === ')' || ch === ']') {
      depth--;
    }
  }
  return deepest;
}

/**
 * Parsed documents (and, keyed by them, validation results and compiled executors) kept for query
 * texts seen before, bounded in bytes: a document's AST takes about 75 bytes per character of its
 * text, so a cache bounded in entries alone let fifteen distinct 6 MB documents exhaust memory.
 */
export function boundedDocumentCache() {
  const cache = <T extends object>() =>
    new LRUCache<string, T>({
      max: 1024,
      maxSize: 64 * 1024 * 1024,
      maxEntrySize: 4 * 1024 * 1024,
      sizeCalculation: (_, text) => Math.max(1, text.length * BYTES_PER_CHARACTER),
    });
  return { documentCache: cache<DocumentNode>(), errorCache: cache<Error>() };
}

const BYTES_PER_CHARACTER = 100;
