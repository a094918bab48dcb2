import { context, type Context, type Span } from '@opentelemetry/api';
import type { ArtifactInfo, RunVerdict } from '../run-result';
import { failSpan, startSpan } from './in-span';

/** What a run ended with, as far as its spans tell it. */
export interface RunSpanOutcome {
  verdict: RunVerdict | null;
  exitCode: number | null;
  artifacts: ArtifactInfo[];
}

/**
 * The two spans of a program's run inside its sandbox: `sandbox.run` from the moment it is
 * started to the moment it has ended (its end mark), then `sandbox.collect` while its artifacts
 * come out. Both are children of the context the run was asked for in.
 */
export class RunSpans {
  private readonly parent: Context = context.active();
  private run: Span | null = null;
  private collect: Span | null = null;

  /** The program is started. */
  programStarted(): void {
    this.run ??= startSpan('sandbox.run', this.parent);
  }

  /** The program has ended; its collection begins. */
  programEnded(): void {
    if (!this.run || this.collect) return;
    this.run.end();
    this.collect = startSpan('sandbox.collect', this.parent);
  }

  /** The run is over, with this outcome. */
  finish(outcome: RunSpanOutcome): void {
    this.programStarted();
    const run = this.run as Span;
    run.setAttribute('job.verdict', outcome.verdict ?? 'succeeded');
    if (outcome.exitCode !== null) run.setAttribute('process.exit.code', outcome.exitCode);
    const bytes = outcome.artifacts.reduce((n, a) => n + a.size, 0);
    const collect = this.collect ?? run;
    collect.setAttributes({
      'job.artifacts': outcome.artifacts.length,
      'job.artifact_bytes': bytes,
    });
    this.end();
  }

  /** The run failed on the platform's side. */
  fail(err: unknown): void {
    this.programStarted();
    failSpan(this.collect ?? (this.run as Span), err);
    this.end();
  }

  private end(): void {
    if (this.collect) this.collect.end();
    else this.run?.end();
    this.run = this.collect = null;
  }
}
