/**
 * User agents as the real clients send them: the console (a browser), AWS CLI v2 with
 * its `command/` suffix, boto3, Terraform's AWS provider, the JS/Go/Java SDKs, and the
 * attacker tooling seen in incident reports (Kali-built CLI, Pacu on boto3).
 */
import type { Rng } from './prng.ts';
import type { ClientKind } from './types.ts';

const BROWSERS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.6; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
];
const OSES = ['Darwin/23.6.0', 'Darwin/24.1.0', 'Linux/6.8.0-49-generic', 'Windows/10'];

/** The fixed parts of one person's client set (browser, OS, versions). */
export interface ClientProfile {
  browser: string;
  os: string;
  cliVersion: string;
  pyVersion: string;
  boto: string;
}

export function clientProfile(rng: Rng): ClientProfile {
  return {
    browser: rng.pick(BROWSERS),
    os: rng.pick(OSES),
    cliVersion: `2.${rng.int(15, 22)}.${rng.int(0, 40)}`,
    pyVersion: `3.${rng.int(11, 12)}.${rng.int(1, 9)}`,
    boto: `1.35.${rng.int(10, 90)}`,
  };
}

const kebab = (s: string): string => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

/** CLI `command/` suffix: `ec2.describe-instances`. */
function cliCommand(action: string): string {
  const [svc = '', name = ''] = action.split(':');
  const cliSvc =
    svc === 'monitoring' ? 'cloudwatch' : svc === 'elasticloadbalancing' ? 'elbv2' : svc === 'lambda' ? 'lambda' : svc;
  return `${cliSvc}.${kebab(name.replace(/\d{8}(v\d)?$/, ''))}`;
}

export function userAgent(kind: ClientKind, profile: ClientProfile, action: string): string {
  switch (kind) {
    case 'console':
      return profile.browser;
    case 'cli':
      return `aws-cli/${profile.cliVersion} md/awscrt#0.22.0 ua/2.0 os/${profile.os.replace('/', '#')} md/arch#arm64 lang/python#${profile.pyVersion} md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off md/command#${cliCommand(action)}`;
    case 'boto3':
      return `Boto3/${profile.boto} md/Botocore#${profile.boto} ua/2.0 os/${profile.os.replace('/', '#').toLowerCase()} md/arch#x86_64 lang/python#${profile.pyVersion} md/pyimpl#CPython cfg/retry-mode#legacy Botocore/${profile.boto}`;
    case 'terraform': {
      const svc = action.split(':')[0] ?? 'sts';
      return `APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.76.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.4 ua/2.1 os/linux lang/go#1.23.3 md/GOOS#linux md/GOARCH#amd64 api/${svc}#1.0.0`;
    }
    case 'sdk-js':
      return `aws-sdk-js/3.696.0 ua/2.1 os/linux#5.10.227-239.884.amzn2.x86_64 lang/js md/nodejs#20.18.0 api/${action.split(':')[0]}#3.696.0 exec-env/AWS_Lambda_nodejs20.x`;
    case 'sdk-go':
      return `aws-sdk-go-v2/1.32.4 ua/2.1 os/linux lang/go#1.23.3 md/GOOS#linux md/GOARCH#amd64 api/${action.split(':')[0]}#1.0.0 exec-env/AWS_ECS_FARGATE`;
    case 'sdk-java':
      return 'aws-sdk-java/2.29.15 Linux/5.10.227 OpenJDK_64-Bit_Server_VM/17.0.13+11-LTS Java/17.0.13 vendor/Amazon.com_Inc. exec-env/AWS_ECS_FARGATE io/sync http/Apache cfg/retry-mode/legacy';
  }
}

/** Attacker tooling: what stolen keys are used with. */
export const ATTACKER_AGENTS = [
  (action: string) =>
    `aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#6.8.11-amd64 md/distrib#kali.2024 md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off md/command#${cliCommand(action)}`,
  () =>
    'Boto3/1.34.150 md/Botocore#1.34.150 ua/2.0 os/linux#6.8.11-amd64 md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.150 Pacu/1.6.0',
  () => 'Boto3/1.28.57 Python/3.10.12 Linux/5.15.0-1047-aws Botocore/1.31.57',
  () => 'python-requests/2.31.0',
] as const;
