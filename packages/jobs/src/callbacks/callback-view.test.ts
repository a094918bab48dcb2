import type { Job } from 'bullmq';
import type { CallbackData } from './callback-data';
import { callbackView, pendingCallback } from './callback-view';

const delivery = (attemptsMade: number, failedReason?: string) =>
  ({ attemptsMade, failedReason, data: { url: 'u' } }) as unknown as Job<CallbackData>;

describe('callbackView', () => {
  const url = 'https://example.com/hook';

  it('is null without a callback_url, and pending before the delivery exists', () => {
    expect(pendingCallback(undefined)).toBeNull();
    expect(pendingCallback(url)).toEqual({ status: 'pending', attempts: 0, last_error: null, url });
    expect(callbackView(url, undefined, 'unknown')).toEqual(pendingCallback(url));
  });

  it("reads the delivery's state, attempts and last error", () => {
    expect(callbackView(url, delivery(0), 'waiting')).toEqual({
      status: 'pending',
      attempts: 0,
      last_error: null,
      url,
    });
    expect(callbackView(url, delivery(2, 'HTTP 500 Internal Server Error'), 'delayed')).toEqual({
      status: 'pending',
      attempts: 2,
      last_error: 'HTTP 500 Internal Server Error',
      url,
    });
    expect(
      callbackView(url, delivery(3, 'HTTP 500 Internal Server Error'), 'completed'),
    ).toMatchObject({ status: 'delivered', attempts: 3 });
    expect(callbackView(url, delivery(8, 'ECONNREFUSED'), 'failed')).toMatchObject({
      status: 'failed',
      attempts: 8,
      last_error: 'ECONNREFUSED',
    });
  });
});
