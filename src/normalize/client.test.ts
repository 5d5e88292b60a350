import { describe, expect, it } from 'vitest';
import { clientOf as sut } from './client.ts';

// Real user agents from the Stratus Red Team and Panther fixtures, plus current SDK formats.
describe('clientOf', () => {
  it.each([
    // console
    ['console.amazonaws.com', 'console', 'console.amazonaws.com', null, null],
    ['signin.amazonaws.com', 'console', 'signin.amazonaws.com', null, null],
    ['console.ec2.amazonaws.com', 'console', 'console.ec2.amazonaws.com', null, null],
    [
      '[S3Console/0.4, aws-internal/3 aws-sdk-java/1.11.666 Linux/4.9.184-0.1.ac.235.83.329.metal1.x86_64 OpenJDK_64-Bit_Server_VM/25.232-b09 java/1.8.0_232 vendor/Oracle_Corporation]',
      'console',
      'S3Console',
      '0.4',
      null,
    ],
    // AWS CLI
    ['aws-cli/2.13.5 Python/3.11.4', 'aws-cli', 'aws-cli', '2.13.5', 'python'],
    [
      'aws-cli/2.15.59 md/awscrt#0.19.19 ua/2.0 os/macos#22.6.0 md/arch#arm64 lang/python#3.11.11 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/prompt#off md/command#sts.get-caller-identity',
      'aws-cli',
      'aws-cli',
      '2.15.59',
      'python',
    ],
    [
      'aws-cli/2.13.5 Python/3.11.4 Linux/4.14.255-314-253.539.amzn2.x86_64 exec-env/CloudShell exe/x86_64.amzn.2 prompt/off command/ec2.stop-instances',
      'aws-cli',
      'aws-cli',
      '2.13.5',
      'python',
    ],
    ['aws-cli/1.15.42 Python/3.6.1 Darwin/17.7.0 botocore/1.10.42', 'aws-cli', 'aws-cli', '1.15.42', 'python'],
    // SDKs
    [
      'Boto3/1.26.2 Python/3.10.8 Linux/4.14.294-220.533.amzn2.x86_64 exec-env/AWS_ECS_FARGATE Botocore/1.29.2',
      'sdk',
      'Boto3',
      '1.26.2',
      'python',
    ],
    ['Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.1 lang/python#3.12.2', 'sdk', 'Boto3', '1.34.69', 'python'],
    ['Botocore/1.31.0 ua/2.0 os/linux#6.1 lang/python#3.11.4', 'sdk', 'Botocore', '1.31.0', 'python'],
    ['aws-sdk-go/1.15.12 (go1.12.6; linux; amd64)', 'sdk', 'aws-sdk-go', '1.15.12', 'go'],
    [
      'aws-sdk-go-v2/1.14.0 os/macos lang/go/1.17.6 md/GOOS/darwin md/GOARCH/arm64 api/iam/1.17.0',
      'sdk',
      'aws-sdk-go-v2',
      '1.14.0',
      'go',
    ],
    ['aws-sdk-java/2.20.0', 'sdk', 'aws-sdk-java', '2.20.0', 'java'],
    [
      'aws-sdk-js/3.592.0 ua/2.0 os/linux#5.10 lang/js md/nodejs#20.12.2 api/s3#3.592.0',
      'sdk',
      'aws-sdk-js',
      '3.592.0',
      'js',
    ],
    [
      'aws-sdk-nodejs/2.1580.0 linux/v18.19.0 exec-env/AWS_Lambda_nodejs18.x',
      'sdk',
      'aws-sdk-nodejs',
      '2.1580.0',
      'js',
    ],
    ['aws-sdk-ruby3/3.190.3 ruby/3.2.2 x86_64-linux aws-sdk-s3/1.142.0', 'sdk', 'aws-sdk-ruby', '3.190.3', 'ruby'],
    [
      'aws-sdk-dotnet-coreclr/3.7.300.2 aws-sdk-dotnet-core/3.7.300.2 .NET_Core/6.0.25 OS/Linux',
      'sdk',
      'aws-sdk-dotnet',
      '3.7.300.2',
      'dotnet',
    ],
    ['aws-sdk-php/3.300.0 OS/Linux/6.1 lang/php#8.2.0 GuzzleHttp/7', 'sdk', 'aws-sdk-php', '3.300.0', 'php'],
    ['aws-sdk-rust/1.1.4 os/linux lang/rust#1.75.0', 'sdk', 'aws-sdk-rust', '1.1.4', 'rust'],
    ['awslambda-worker/1.0 rusoto/0.47.0 rust/1.55.0 linux', 'sdk', 'rusoto', '0.47.0', 'rust'],
    // infrastructure as code
    [
      'APN/1.0 HashiCorp/1.0 Terraform/1.1.2 (+https://www.terraform.io) terraform-provider-aws/3.76.1 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go/1.44.157 (go1.19.3; darwin; arm64) HashiCorp-terraform-exec/0.17.3',
      'terraform',
      'Terraform',
      '1.1.2',
      'go',
    ],
    [
      'aws-sdk-go/1.29.7 (go1.13.7; darwin; amd64) APN/1.0 HashiCorp/1.0 Terraform/0.12.24 (+https://www.terraform.io)',
      'terraform',
      'Terraform',
      '0.12.24',
      'go',
    ],
    ['cloudformation.amazonaws.com', 'cloudformation', 'cloudformation.amazonaws.com', null, null],
    ['aws-sdk-nodejs/2.1400.0 linux/v18.16.0 Pulumi/3.70.0 (+https://www.pulumi.com)', 'iac', 'Pulumi', '3.70.0', null],
    ['aws-cdk/2.120.0 (+https://github.com/aws/aws-cdk) aws-sdk-js/2.1500.0', 'iac', 'aws-cdk', '2.120.0', 'js'],
    // AWS itself
    ['lambda.amazonaws.com', 'aws-service', 'lambda.amazonaws.com', null, null],
    ['autoscaling.amazonaws.com', 'aws-service', 'autoscaling.amazonaws.com', null, null],
    ['AWS Internal', 'aws-internal', 'AWS Internal', null, null],
    [
      'aws-internal/3 aws-sdk-java/1.12.124 Linux/4.9.273-0.1.ac.226.84.332.metal1.x86_64 OpenJDK_64-Bit_Server_VM/25.312-b07 java/1.8.0_312 vendor/Oracle_Corporation cfg/retry-mode/standard',
      'aws-internal',
      'aws-internal',
      '3',
      'java',
    ],
    ['amazon-ssm-agent/3.2.0', 'aws-service', 'amazon-ssm-agent', '3.2.0', 'go'],
    // browsers outside a console session
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      'browser',
      'Chrome',
      '131.0.0.0',
      null,
    ],
    [
      '[Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36]',
      'browser',
      'Chrome',
      '131.0.0.0',
      null,
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:124.0) Gecko/20100101 Firefox/124.0',
      'browser',
      'Firefox',
      '124.0',
      null,
    ],
    ['Mozilla/2.0 (compatible; NEWT ActiveX; Win32)', 'browser', null, null, null],
    // offensive tools
    ['stratus-red-team_83c9a458-ffab-4d43-8b02-9691311e8c0a', 'offensive', 'stratus-red-team', null, null],
    [
      'APN/1.0 HashiCorp/1.0 Terraform/1.1.2 (+https://www.terraform.io) terraform-provider-aws/3.76.1 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go/1.44.157 (go1.19.3; darwin; arm64) stratus-red-team_83c9a458-ffab-4d43-8b02-9691311e8c0a HashiCorp-terraform-exec/0.17.3',
      'offensive',
      'stratus-red-team',
      null,
      'go',
    ],
    [
      'aws-sdk-go-v2/1.32.3 os/linux lang/go#1.23.1 md/GOOS#linux md/GOARCH#amd64 exec-env/grimoire_095724e3-1fa0-4e3e-b68a-e8581d194380 api/sts#1.26.2',
      'offensive',
      'grimoire',
      null,
      'go',
    ],
    ['TruffleHog', 'offensive', 'TruffleHog', null, null],
    ['trufflehog/3.63.0', 'offensive', 'TruffleHog', '3.63.0', null],
    ['Boto3/1.26.0 Python/3.11.2 Linux/6.1.0-kali7-amd64 Botocore/1.29.0', 'offensive', 'Kali Linux', null, 'python'],
    [
      'aws-cli/1.22.34 Python/3.9.2 Linux/5.16.0-parrot1-amd64 botocore/1.23.34',
      'offensive',
      'Parrot OS',
      null,
      'python',
    ],
    [
      'Boto3/1.9.0 Python/3.6.5 Linux/4.19.27-gentoo-r1-pentoo Botocore/1.12.0',
      'offensive',
      'Pentoo Linux',
      null,
      'python',
    ],
    ['Boto3/1.17.80 Python/3.9.5 Darwin/20.3.0 Botocore/1.20.80 Pacu/1.5.1', 'offensive', 'Pacu', '1.5.1', 'python'],
    ['Kalibrate/2.1 (Windows NT 10.0)', 'unknown', 'Kalibrate', '2.1', null],
    // auditors are not offensive (see client.ts)
    ['Boto3/1.26.0 Python/3.10.0 Linux/5.15 Botocore/1.29.0 Scout Suite/5.12.0', 'sdk', 'ScoutSuite', null, 'python'],
    ['Boto3/1.28.0 Python/3.11.0 Linux/6.1 Botocore/1.31.0 prowler/3.11.0', 'sdk', 'Prowler', null, 'python'],
    // plain HTTP clients and anything else
    ['python-requests/2.28.0', 'unknown', 'python-requests', '2.28.0', 'python'],
    ['curl/8.5.0', 'unknown', 'curl', '8.5.0', null],
    ['Python-httplib2/0.8 (gzip)', 'unknown', 'Python-httplib2', '0.8', 'python'],
    // A literal unexpanded Maven placeholder, as found in the Panther data.
    ['Jersey/$' + '{project.version}', 'unknown', 'Jersey', '$' + '{project.version}', null],
    ['Datadog', 'unknown', 'Datadog', null, null],
    ['   ', 'unknown', null, null, null],
  ])('%s', (ua, cls, name, version, language) => {
    expect(sut(ua, false)).toEqual({ class: cls, name, version, language });
  });

  it('is unknown without a user agent', () => {
    expect(sut(null, false)).toEqual({ class: 'unknown', name: null, version: null, language: null });
  });

  it('reads a browser or AWS Internal in a console session as the console', () => {
    const chrome =
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
    expect(sut(chrome, true)).toEqual({ class: 'console', name: 'Chrome', version: '131.0.0.0', language: null });
    expect(sut('AWS Internal', true).class).toBe('console');
    // A real SDK in a console session (CloudShell) stays what it is.
    expect(sut('aws-cli/2.13.5 Python/3.11.4', true).class).toBe('aws-cli');
  });

  it('answers the same for a repeated user agent (cache) and for one past the cache size limit', () => {
    const long = `Boto3/1.34.0 Python/3.12.0 ${'x'.repeat(600)}`;
    expect(sut(long, false)).toEqual(sut(long, false));
    expect(sut(long, false)).toEqual({ class: 'sdk', name: 'Boto3', version: '1.34.0', language: 'python' });
    expect(sut('aws-cli/2.13.5 Python/3.11.4', false)).toBe(sut('aws-cli/2.13.5 Python/3.11.4', false));
  });
});
