import { CallbackTargetError } from '../errors/callback-target-error';
import { resolveCallbackTarget, type ResolveOptions } from './resolve-callback-target';

export interface VetOptions extends ResolveOptions {
  /** CALLBACK_SECRET; empty: this server cannot sign, so it takes no callback. */
  secret: string;
}

/**
 * The submission-time check of spec.callback_url, beyond its form: the server can sign callbacks
 * (CALLBACK_SECRET is set), and the host resolves, to no address of the platform's own networks.
 * Throws CallbackTargetError, a 422 naming spec.callback_url. The check is repeated before each
 * delivery attempt, since what a name resolves to can change.
 *
 * Without CALLBACK_SECRET the submission is refused rather than signed with a key made up at
 * start: such a key would differ between the API and each worker, and change at every restart,
 * so no receiver could verify what it gets.
 */
export async function vetCallbackUrl(raw: string, opts: VetOptions): Promise<void> {
  if (!opts.secret)
    throw new CallbackTargetError(
      'cannot be used: this server has no CALLBACK_SECRET to sign callbacks with (its operator can set one)',
    );
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CallbackTargetError('must be an http or https URL');
  }
  await resolveCallbackTarget(url, opts);
}
