/**
 * An error meant for the client: it carries its HTTP status and a message that names what was
 * wrong. The API maps these in one place; anything else is a 500 with a generic body.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string, details?: Record<string, unknown>) =>
  new AppError(400, message, details);
export const notFound = (message: string) => new AppError(404, message);
export const conflict = (message: string, details?: Record<string, unknown>) =>
  new AppError(409, message, details);
export const payloadTooLarge = (message: string) => new AppError(413, message);
export const unprocessable = (message: string, details?: Record<string, unknown>) =>
  new AppError(422, message, details);
