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

export class PgTextPlugin implements KyselyPlugin {
  readonly #transformer = new PgTextTransformer();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(args.node);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
