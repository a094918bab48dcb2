import { InvalidInputError } from './invalid-input-error';

/** The field every refusal of a callback target names. */
export const CALLBACK_URL_FIELD = 'spec.callback_url';

/**
 * A callback URL the platform will not call: one that resolves to an address of the platform's
 * own networks (private, loopback, link-local, this host, ...), or that does not resolve. At
 * submission it is the client's 422 like any other invalid spec field; at delivery its message
 * is the attempt's `last_error`.
 */
export class CallbackTargetError extends InvalidInputError {
  constructor(reason: string) {
    super(`${CALLBACK_URL_FIELD} ${reason}`, [CALLBACK_URL_FIELD]);
  }
}
