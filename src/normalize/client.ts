/**
 * The calling software, from the user agent: its class (console, CLI, SDK, IaC, AWS
 * service, offensive tool...), product name, version and SDK language.
 *
 * Offensive tools (class `offensive`): Pacu, Kali / Parrot / Pentoo Linux (the distribution
 * shows in the kernel release of Python and CLI user agents; these are the user agents
 * GuardDuty's PenTest findings key on), Stratus Red Team and Grimoire (attack detonation),
 * TruffleHog (verifies leaked keys with GetCallerIdentity: seeing it means someone holds your
 * key), CloudFox and WeirdAAL (offensive enumeration). Auditors (ScoutSuite, Prowler,
 * CloudSploit, Steampipe) are NOT offensive: security teams run them on schedules, so they
 * are class `sdk` with their own name, and a principal suddenly running one is left to the
 * behaviour model, not to a user-agent rule that would fire on every audit.
 *
 * A user agent is attacker-chosen: the class is a hint for the model, never proof.
 */
import type { Client, ClientClass } from './event.ts';

// A whole word (`Linux/6.1.0-kali7-amd64`, `trufflehog/3.63.0`), so `Kalibrate/1.0` or `parrotfish` are not hits.
const OFFENSIVE = /\b(pacu|kali|parrot|pentoo|stratus-red-team|grimoire|trufflehog|cloudfox|weirdaal)(?![a-z])/i;
const OFFENSIVE_NAMES: Record<string, string> = {
  pacu: 'Pacu',
  kali: 'Kali Linux',
  parrot: 'Parrot OS',
  pentoo: 'Pentoo Linux',
  'stratus-red-team': 'stratus-red-team',
  grimoire: 'grimoire',
  trufflehog: 'TruffleHog',
  cloudfox: 'CloudFox',
  weirdaal: 'WeirdAAL',
};

/** Searched in order: the first token found names the SDK (Boto3 before Botocore, go-v2 before go). */
const SDKS: ReadonlyArray<readonly [token: string, name: string, language: string]> = [
  ['Boto3/', 'Boto3', 'python'],
  ['boto3/', 'Boto3', 'python'],
  ['Botocore/', 'Botocore', 'python'],
  ['botocore/', 'Botocore', 'python'],
  ['aws-sdk-go-v2/', 'aws-sdk-go-v2', 'go'],
  ['aws-sdk-go/', 'aws-sdk-go', 'go'],
  ['aws-sdk-java/', 'aws-sdk-java', 'java'],
  ['aws-sdk-js/', 'aws-sdk-js', 'js'],
  ['aws-sdk-nodejs/', 'aws-sdk-nodejs', 'js'],
  ['aws-sdk-ruby3/', 'aws-sdk-ruby', 'ruby'],
  ['aws-sdk-ruby2/', 'aws-sdk-ruby', 'ruby'],
  ['aws-sdk-ruby/', 'aws-sdk-ruby', 'ruby'],
  ['aws-sdk-dotnet-coreclr/', 'aws-sdk-dotnet', 'dotnet'],
  ['aws-sdk-dotnet-45/', 'aws-sdk-dotnet', 'dotnet'],
  ['aws-sdk-dotnet/', 'aws-sdk-dotnet', 'dotnet'],
  ['aws-sdk-php/', 'aws-sdk-php', 'php'],
  ['aws-sdk-rust/', 'aws-sdk-rust', 'rust'],
  ['rusoto/', 'rusoto', 'rust'],
  ['aws-sdk-cpp/', 'aws-sdk-cpp', 'cpp'],
  ['aws-sdk-swift/', 'aws-sdk-swift', 'swift'],
  ['aws-sdk-kotlin/', 'aws-sdk-kotlin', 'kotlin'],
  ['aws-sdk-python/', 'aws-sdk-python', 'python'],
  ['aws-sdk-powershell/', 'aws-sdk-powershell', 'dotnet'],
  ['AWSPowerShell/', 'AWSPowerShell', 'dotnet'],
];

/** Auditors and scanners: class `sdk` under their own name (see the header for why). */
const AUDITORS: ReadonlyArray<readonly [token: string, name: string, language: string]> = [
  ['scoutsuite', 'ScoutSuite', 'python'],
  ['scout suite', 'ScoutSuite', 'python'],
  ['prowler', 'Prowler', 'python'],
  ['cloudsploit', 'CloudSploit', 'js'],
  ['steampipe', 'Steampipe', 'go'],
];

const BROWSERS: ReadonlyArray<readonly [token: string, name: string]> = [
  ['Edg/', 'Edge'],
  ['OPR/', 'Opera'],
  ['Firefox/', 'Firefox'],
  ['Chrome/', 'Chrome'],
  ['Version/', 'Safari'],
  ['Safari/', 'Safari'],
];

/** Plain HTTP clients: no class of their own, but their name and language are worth keeping. */
const HTTP_TOOLS: ReadonlyArray<readonly [token: string, name: string, language: string | null]> = [
  ['python-requests/', 'python-requests', 'python'],
  ['Python-urllib/', 'Python-urllib', 'python'],
  ['Python-httplib2/', 'Python-httplib2', 'python'],
  ['curl/', 'curl', null],
  ['Wget/', 'Wget', null],
  ['Go-http-client/', 'Go-http-client', 'go'],
  ['okhttp/', 'okhttp', 'java'],
  ['PostmanRuntime/', 'Postman', 'js'],
  ['axios/', 'axios', 'js'],
  ['node-fetch/', 'node-fetch', 'js'],
];

const UNKNOWN: Client = Object.freeze({ class: 'unknown', name: null, version: null, language: null }) as Client;

/** Repeated user agents are classified once; cleared (not evicted) when full, which keeps it deterministic and cheap. */
const CACHE_MAX = 8192;
const CACHE_KEY_MAX = 512;
const cache = new Map<string, Client>();

function make(cls: ClientClass, name: string | null, version: string | null, language: string | null): Client {
  return Object.freeze({ class: cls, name, version, language }) as Client;
}

/** The version right after `token` (e.g. `2.15.30` after `aws-cli/`), up to a space, `;`, `)` or `,`. */
function versionAfter(ua: string, at: number): string | null {
  let end = at;
  while (end < ua.length && end - at < 64) {
    const c = ua.charCodeAt(end);
    if (c === 0x20 || c === 0x3b || c === 0x29 || c === 0x2c || c === 0x28 || c === 0x5d) break;
    end++;
  }
  return end > at ? ua.slice(at, end) : null;
}

function tokenVersion(ua: string, token: string): string | null {
  const i = ua.indexOf(token);
  return i < 0 ? null : versionAfter(ua, i + token.length);
}

function sdkOf(ua: string): Client | null {
  for (const [token, name, language] of SDKS) {
    const i = ua.indexOf(token);
    if (i >= 0) return make('sdk', name, versionAfter(ua, i + token.length), language);
  }
  return null;
}

function classifyBase(ua: string): Client {
  const lower = ua.toLowerCase();
  if (ua.startsWith('S3Console/')) return make('console', 'S3Console', tokenVersion(ua, 'S3Console/'), null);
  if (ua === 'AWS Internal') return make('aws-internal', 'AWS Internal', null, null);
  if (ua.indexOf(' ') < 0 && lower.endsWith('.amazonaws.com')) {
    if (lower === 'signin.amazonaws.com' || lower.startsWith('console.')) return make('console', lower, null, null);
    if (lower === 'cloudformation.amazonaws.com') return make('cloudformation', lower, null, null);
    return make('aws-service', lower, null, null);
  }
  if (ua.startsWith('aws-internal/')) {
    const sdk = sdkOf(ua);
    return make('aws-internal', 'aws-internal', versionAfter(ua, 'aws-internal/'.length), sdk?.language ?? null);
  }
  if (ua.includes('Terraform/') || ua.includes('HashiCorp') || lower.includes('terraform-provider-aws')) {
    return make('terraform', 'Terraform', tokenVersion(ua, 'Terraform/'), 'go');
  }
  if (lower.includes('pulumi'))
    return make('iac', 'Pulumi', tokenVersion(ua, 'Pulumi/') ?? tokenVersion(ua, 'pulumi/'), null);
  if (ua.includes('aws-cdk')) return make('iac', 'aws-cdk', tokenVersion(ua, 'aws-cdk/'), 'js');
  if (lower.includes('crossplane')) return make('iac', 'Crossplane', null, 'go');
  if (ua.startsWith('aws-cli/')) return make('aws-cli', 'aws-cli', versionAfter(ua, 'aws-cli/'.length), 'python');
  for (const [token, name, language] of AUDITORS) {
    if (lower.includes(token)) return make('sdk', name, null, language);
  }
  const sdk = sdkOf(ua);
  if (sdk !== null) return sdk;
  if (ua.startsWith('amazon-ssm-agent/'))
    return make('aws-service', 'amazon-ssm-agent', versionAfter(ua, 'amazon-ssm-agent/'.length), 'go');
  if (ua.startsWith('Mozilla') || ua.startsWith('Opera/')) {
    for (const [token, name] of BROWSERS) {
      const i = ua.indexOf(token);
      if (i >= 0) return make('browser', name, versionAfter(ua, i + token.length), null);
    }
    return make('browser', null, null, null);
  }
  for (const [token, name, language] of HTTP_TOOLS) {
    const i = ua.indexOf(token);
    if (i >= 0) return make('unknown', name, versionAfter(ua, i + token.length), language);
  }
  // Anything else: keep the product token (`name/version`) so the model can still tell agents apart.
  let end = 0;
  while (end < ua.length && end < 64 && ua.charCodeAt(end) !== 0x2f && ua.charCodeAt(end) !== 0x20) end++;
  const name = ua.slice(0, end);
  const version = ua.charCodeAt(end) === 0x2f ? versionAfter(ua, end + 1) : null;
  return name.length > 0 ? make('unknown', name, version, null) : UNKNOWN;
}

function classify(ua: string): Client {
  // S3 wraps the user agent in brackets: `[S3Console/0.4, aws-internal/3 ...]`, `[Mozilla/5.0 ...]`.
  const inner =
    ua.length > 1 && ua.charCodeAt(0) === 0x5b && ua.charCodeAt(ua.length - 1) === 0x5d ? ua.slice(1, -1) : ua;
  const trimmed = inner.trim();
  if (trimmed.length === 0) return UNKNOWN;
  const base = classifyBase(trimmed);
  const hit = OFFENSIVE.exec(trimmed);
  if (hit === null) return base;
  const tool = (hit[1] as string).toLowerCase();
  const after = hit.index + tool.length;
  const version = trimmed.charCodeAt(after) === 0x2f /* / */ ? versionAfter(trimmed, after + 1) : null;
  return make('offensive', OFFENSIVE_NAMES[tool] ?? tool, version, base.language);
}

/**
 * The client behind a user agent. `consoleSession`: the call came from a console session
 * (sign-in event, `sessionCredentialFromConsole`); a browser or `AWS Internal` user agent
 * is then the console itself.
 */
export function clientOf(userAgent: string | null, consoleSession: boolean): Client {
  if (userAgent === null) return UNKNOWN;
  let client: Client | undefined;
  if (userAgent.length <= CACHE_KEY_MAX) {
    client = cache.get(userAgent);
    if (client === undefined) {
      client = classify(userAgent);
      if (cache.size >= CACHE_MAX) cache.clear();
      cache.set(userAgent, client);
    }
  } else {
    client = classify(userAgent);
  }
  if (consoleSession && (client.class === 'browser' || client.class === 'aws-internal')) {
    return make('console', client.name, client.version, client.language);
  }
  return client;
}
