import { context, type Context, type Span } from '@opentelemetry/api';
import type { ArtifactInfo, RunVerdict } from '../run-result';
import { failSpan, startSpan } from './in-span';

/** What a run ended with, as far as its spans tell it. */
export interface RunSpanOutcome {
  verdict: RunVerdict | null;
  exitCode: number | null;
  artifacts: ArtifactInfo[];
}

/** Now, in epoch milliseconds with sub-millisecond precision (a span's time input). */
const epochMs = () => performance.timeOrigin + performance.now();

/**
 * The two spans of a program's run inside its sandbox: `sandbox.run` from the moment it is
 * started to the moment it has ended (its end mark), then `sandbox.collect` while its artifacts
 * come out. Both are children of the context the run was asked for in. The run's span is ended
 * (at the program's end) only once its verdict and exit code are known, so it carries them.
 */
export class RunSpans {
  private readonly parent: Context = context.active();
  private run: Span | null = null;
  private runEndedAt: number | null = null;
  private collect: Span | null = null;

  /** The program is started. */
  programStarted(): Span {
    return (this.run ??= startSpan('sandbox.run', this.parent));
  }

  /** The program has ended; its collection begins. */
  programEnded(): void {
    if (!this.run || this.runEndedAt !== null) return;
    this.runEndedAt = epochMs();
    this.collect = startSpan('sandbox.collect', this.parent);
  }

  /** The run is over, with this outcome (nothing to tell when its program never started). */
  finish(outcome: RunSpanOutcome): void {
    if (!this.run) return;
    const run = this.run;
    run.setAttributes({
      'job.verdict': outcome.verdict ?? 'succeeded',
      ...(outcome.exitCode !== null ? { 'process.exit.code': outcome.exitCode } : {}),
    });
    (this.collect ?? run).setAttributes({
      'job.artifacts': outcome.artifacts.length,
      'job.artifact_bytes': outcome.artifacts.reduce((n, a) => n + a.size, 0),
    });
    this.end();
  }

  /** The run failed on the platform's side (before its program started: its phase's span says). */
  fail(err: unknown): void {
    if (!this.run) return;
    failSpan(this.collect ?? this.run, err);
    this.end();
  }

  private end(): void {
    this.run?.end(this.runEndedAt ?? undefined);
    this.collect?.end();
    this.run = this.collect = null;
  }
}
