import { DelayedError, UnrecoverableError, WaitingError, type Job } from 'bullmq';
import type { JobData } from '../queue/job-data';
import { announceEnds, endsTheJob } from './announce-ends';

const job = (attemptsMade: number, attempts = 3) =>
  ({ id: 'j', attemptsMade, opts: { attempts }, data: {} }) as unknown as Job<JobData>;

describe('endsTheJob', () => {
  it('is an end for an UnrecoverableError, and for any error on the last try', () => {
    expect(endsTheJob(new UnrecoverableError('non-zero exit'), job(0))).toBe(true);
    expect(endsTheJob(new Error('platform error: x'), job(0))).toBe(false);
    expect(endsTheJob(new Error('platform error: x'), job(1))).toBe(false);
    expect(endsTheJob(new Error('platform error: x'), job(2))).toBe(true);
  });

  it('is no end for a hand-back or a delay', () => {
    expect(endsTheJob(new WaitingError(), job(2))).toBe(false);
    expect(endsTheJob(new DelayedError(), job(2))).toBe(false);
  });
});

describe('announceEnds', () => {
  it('announces a success and a final failure, once each, before passing them on', async () => {
    const told: string[] = [];
    const announce = (j: Job<JobData>) => (told.push(String(j.id)), Promise.resolve());
    await expect(announceEnds(() => Promise.resolve(7), announce)(job(0))).resolves.toBe(7);
    expect(told).toEqual(['j']);
    const fails = announceEnds(() => Promise.reject(new UnrecoverableError('oom')), announce);
    await expect(fails(job(0))).rejects.toThrow('oom');
    expect(told).toEqual(['j', 'j']);
    const retried = announceEnds(() => Promise.reject(new Error('engine')), announce);
    await expect(retried(job(0))).rejects.toThrow('engine');
    const handedBack = announceEnds(() => Promise.reject(new WaitingError()), announce);
    await expect(handedBack(job(2))).rejects.toBeInstanceOf(WaitingError);
    expect(told).toEqual(['j', 'j']);
  });
});
