import { DelayedError, UnrecoverableError, type Job, type Queue } from 'bullmq';
import type { Logger } from '@job-runner/logger';
import { CallbackDeliveryError } from '../errors/callback-delivery-error';
import type { JobData } from '../queue/job-data';
import { finalBody } from './callback-body';
import type { CallbackData, CallbackReceipt } from './callback-data';
import { postCallback } from './post-callback';
import {
  resolveCallbackTarget,
  type LookupAll,
  type ResolveOptions,
} from './resolve-callback-target';
import {
  EVENT_HEADER,
  JOB_ENDED_EVENT,
  JOB_ID_HEADER,
  SIGNATURE_HEADER,
  signCallback,
} from './sign-callback';

/** Who is calling, for the receiver's logs. */
export const CALLBACK_USER_AGENT = 'job-runner-callbacks/1 (+job-runner)';

export interface CallbackProcessorDeps {
  /** The jobs queue: a callback carries its job's final view. */
  jobs: Queue<JobData>;
  /** CALLBACK_SECRET; empty: every attempt fails saying so. */
  secret: string;
  timeoutMs: number;
  allowedHosts: readonly string[];
  logger: Logger;
  lookup?: LookupAll;
  ownAddresses?: ResolveOptions['ownAddresses'];
}

/**
 * Delivers one job-end callback: fixes its body at the first attempt, checks where the URL leads
 * now (DNS may have changed since submission), and POSTs it, signed, to the address it checked.
 * Anything but a 2xx throws, and BullMQ retries with the queue's backoff.
 */
export function createCallbackProcessor(deps: CallbackProcessorDeps) {
  return async function deliverCallback(
    delivery: Job<CallbackData, CallbackReceipt>,
    token?: string,
  ): Promise<CallbackReceipt> {
    const jobId = String(delivery.id);
    let body = delivery.data.body;
    if (body === undefined) {
      const final = await finalBody(deps.jobs, jobId);
      if (final.kind === 'gone')
        throw new UnrecoverableError('the job was removed before its end could be told');
      if (final.kind === 'not-ended') {
        // Its worker announces the end just before BullMQ records it (or the job is being rerun
        // after its worker died): wait for it without spending an attempt, checking less often
        // the longer it takes.
        const waitedMs = Date.now() - delivery.timestamp;
        await delivery.moveToDelayed(Date.now() + Math.min(5000, 250 + waitedMs / 10), token);
        throw new DelayedError();
      }
      body = final.body;
      await delivery.updateData({ ...delivery.data, body });
    }
    if (!deps.secret)
      throw new CallbackDeliveryError(
        'this worker has no CALLBACK_SECRET to sign the callback with',
      );
    const url = new URL(delivery.data.url);
    const target = await resolveCallbackTarget(url, {
      allowedHosts: deps.allowedHosts,
      timeoutMs: deps.timeoutMs,
      lookup: deps.lookup,
      ownAddresses: deps.ownAddresses,
    });
    const status = await postCallback({
      url,
      target,
      body,
      timeoutMs: deps.timeoutMs,
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': CALLBACK_USER_AGENT,
        // Signed now, not with the body: the time says when this attempt was made.
        [SIGNATURE_HEADER]: signCallback(deps.secret, body, Date.now() / 1000),
        [EVENT_HEADER]: JOB_ENDED_EVENT,
        [JOB_ID_HEADER]: jobId,
      },
    });
    deps.logger.info('callback delivered', { jobId, status, attempt: delivery.attemptsMade + 1 });
    return { status };
  };
}
