/**
 * API errors: every failure leaves the server as `{"error":{"code","message"}}` with a
 * stable code a client can switch on, and never with a stack trace or internal detail.
 */
import { TrailhoundError } from '../errors.ts';

export class ApiError extends TrailhoundError {
  readonly status: 400 | 401 | 403 | 404 | 413 | 415 | 500;
  constructor(status: ApiError['status'], code: string, message: string) {
    super(code, message);
    this.status = status;
  }
}

export const badRequest = (message: string) => new ApiError(400, 'TH_BAD_REQUEST', message);

/** Maps any thrown value to an HTTP status and the JSON body the client sees. */
export function toErrorResponse(error: unknown): {
  status: ApiError['status'];
  body: { error: { code: string; message: string } };
} {
  if (error instanceof ApiError)
    return { status: error.status, body: { error: { code: error.code, message: error.message } } };
  if (error instanceof TrailhoundError) {
    const status = error.code === 'TH_NOT_FOUND' ? 404 : error.code === 'TH_USAGE' ? 400 : 500;
    return { status, body: { error: { code: error.code, message: error.message } } };
  }
  // Unknown failures may carry SQL or paths in their message: log them, show a code.
  return {
    status: 500,
    body: { error: { code: 'TH_INTERNAL', message: 'The server failed to answer; see its log.' } },
  };
}
