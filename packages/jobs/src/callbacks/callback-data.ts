/** The callbacks queue's one job name. */
export const DELIVER_CALLBACK = 'deliver';

/**
 * A delivery job's data. Its BullMQ job id is the job's own id, so a job's end makes at most one
 * delivery, however many processes announce it.
 */
export interface CallbackData {
  /** spec.callback_url, as the job was submitted with it. */
  url: string;
  /**
   * The JSON body, fixed at the first attempt (once the job had ended), so every retry sends the
   * same bytes and a receiver can deduplicate on the job id; absent until then.
   */
  body?: string;
}

/** What the delivery job answers when the receiver took the callback. */
export interface CallbackReceipt {
  /** The receiver's HTTP status (2xx). */
  status: number;
}
