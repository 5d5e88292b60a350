/**
 * AWS Security Hub transport: `BatchImportFindings` (at most 100 ASFF findings a call) through
 * the AWS SDK with its default credential chain. `endpoint` points it at another receiver
 * (a VPC endpoint, or a local one in tests). A finding Security Hub refuses fails the delivery
 * with its error code, so it is retried and then dead-lettered like any other failure.
 */
import { UsageError } from '../../../errors.ts';
import { OutputError, type TransportPlugin } from '../types.ts';

const BATCH = 100;

export const securityHubTransport: TransportPlugin = {
  name: 'securityhub',
  description: 'AWS Security Hub BatchImportFindings (ASFF), default AWS credentials',
  defaultFormat: 'asff',
  formats: ['asff'],
  create(options) {
    const region = options.region ?? options.target ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (region === undefined || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))
      throw new UsageError('The Security Hub output needs an AWS region (region: eu-west-1, or AWS_REGION).');
    if (options.account !== undefined && !/^\d{12}$/.test(options.account))
      throw new UsageError(`The Security Hub account ${options.account} is not a 12-digit AWS account id.`);
    const endpoint = options.endpoint;
    let client: Promise<import('@aws-sdk/client-securityhub').SecurityHubClient> | null = null;
    const sdk = () => import('@aws-sdk/client-securityhub');
    return {
      key: `securityhub:${options.account ?? 'default'}:${region}${endpoint === undefined ? '' : `@${new URL(endpoint).host}`}`,
      warnings: [],
      async deliver(records) {
        const { BatchImportFindingsCommand, SecurityHubClient } = await sdk();
        client ??= Promise.resolve(
          new SecurityHubClient({ region, ...(endpoint === undefined ? {} : { endpoint }), maxAttempts: 1 }),
        );
        const hub = await client;
        for (let i = 0; i < records.length; i += BATCH) {
          const findings = records.slice(i, i + BATCH).map((r) => r.record) as never[];
          let out: import('@aws-sdk/client-securityhub').BatchImportFindingsCommandOutput;
          try {
            out = await hub.send(new BatchImportFindingsCommand({ Findings: findings }));
          } catch (error) {
            throw new OutputError(
              `Security Hub in ${region} refused BatchImportFindings: ${(error as Error).name}: ${(error as Error).message}. Check the credentials, region and that Security Hub is enabled.`,
              { cause: error },
            );
          }
          if ((out.FailedCount ?? 0) > 0) {
            const first = out.FailedFindings?.[0];
            throw new OutputError(
              `Security Hub in ${region} rejected ${out.FailedCount} finding(s), e.g. ${first?.Id ?? '?'}: ${first?.ErrorCode ?? 'unknown error'}.`,
            );
          }
        }
      },
    };
  },
};
