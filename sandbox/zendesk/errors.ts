// An HTTP error answered with a Zendesk-shaped JSON body.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status} ${JSON.stringify(body)}`);
  }
}

export const notFound = (): ApiError => new ApiError(404, { error: 'RecordNotFound', description: 'Not found' });
export const invalidEndpoint = (): ApiError => new ApiError(404, { error: 'InvalidEndpoint', description: 'Not found' });

export function recordInvalid(field: string, description: string, error = 'InvalidValue'): ApiError {
  return new ApiError(422, {
    error: 'RecordInvalid',
    description: 'Record validation errors',
    details: { [field]: [{ description, error }] },
  });
}

export function badRequest(error: string, description: string): ApiError {
  return new ApiError(400, { error, description });
}
