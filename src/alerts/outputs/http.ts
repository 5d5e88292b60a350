/** One JSON POST with a timeout; errors name the host only (webhook paths are secrets). */
import { OutputError } from './types.ts';

export async function postJson(
  url: URL,
  body: string,
  headers: Record<string, string>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'trailhound', ...headers },
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (error) {
    throw new OutputError(
      `${what} at ${url.host} could not be reached: ${(error as Error).message}. Check the URL and the network.`,
      { cause: error },
    );
  }
  // Drain the body so the connection is released; its text is not echoed (it may reflect our payload).
  await res.arrayBuffer().catch(() => undefined);
  if (!res.ok)
    throw new OutputError(`${what} at ${url.host} answered HTTP ${res.status}. Check the URL and its permissions.`);
}
