/**
 * Every value a PostgreSQL store binds goes through `pgValue`: written or looked up, by any
 * repository, a string holding NUL reaches the server as `pgText` maps it instead of failing the
 * statement (and the transaction with it). One place rather than a call at each write, so a new
 * column or query cannot forget it. COPY sends no bound values: pg-copy.ts maps NUL itself.
 */
import {
  type KyselyPlugin,
  OperationNodeTransformer,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type PrimitiveValueListNode,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
  type ValueNode,
} from 'kysely';
import { pgValue } from './pg-text.ts';

class PgTextTransformer extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode): ValueNode {
    const value = pgValue(node.value);
    return value === node.value ? node : { ...node, value };
  }

  protected override transformPrimitiveValueList(node: PrimitiveValueListNode): PrimitiveValueListNode {
    if (!node.values.some((v) => pgValue(v) !== v)) return node;
    return { ...node, values: node.values.map(pgValue) };
  }
}

/**
 * Whether any string in a query tree holds NUL. Looked at before transforming: the transformer
 * rebuilds the whole tree, which nearly every query (no NUL) does not need.
 */
function holdsNul(node: unknown): boolean {
  if (typeof node === 'string') return node.includes('\0');
  if (node === null || typeof node !== 'object' || ArrayBuffer.isView(node)) return false;
  if (Array.isArray(node)) return node.some(holdsNul);
  for (const key in node) if (holdsNul((node as Record<string, unknown>)[key])) return true;
  return false;
}

export class PgTextPlugin implements KyselyPlugin {
  readonly #transformer = new PgTextTransformer();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return holdsNul(args.node) ? this.#transformer.transformNode(args.node) : args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
