/** How an ApiError code travels over HTTP. */
import type { ApiErrorCode } from '../../shared/api/errors';

export const HTTP_STATUS: Record<ApiErrorCode, 400 | 401 | 403 | 404 | 409 | 499 | 500 | 503 | 504> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  workspace_invalid: 409,
  cancelled: 499,
  unavailable: 503,
  timeout: 504,
  internal: 500,
};
