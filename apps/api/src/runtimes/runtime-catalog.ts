import type { Config } from '@job-runner/config';
import {
  SandboxErrorCode,
  SandboxPlatformError,
  type RuntimeFacts,
  type RuntimeProbe,
} from '@job-runner/sandbox';
import { withTimeout } from '../health/with-timeout';
import { RuntimeErrorCode } from './runtime-error-code';
import { runtimeLimits } from './runtime-limits';
import type { RuntimeProblem, RuntimeView } from './runtime-view';

/**
 * The configured runtimes (RUNTIMES, and DEFAULT_RUNTIME for JOB_RUN_IMAGE) with what their
 * images hold. Each runtime is described on its own: one whose image is missing or whose probe
 * failed is `available: false` with the reason, and the others are still described.
 */
export class RuntimeCatalog {
  constructor(
    private readonly config: Config,
    /** null: nothing to probe (USE_DOCKER=0 runs programs on this host's python3). */
    private readonly probe: RuntimeProbe | null,
    /** What workers probed on their engines, for when this process cannot reach one. */
    private readonly published: (image: string) => Promise<RuntimeFacts | null> = () =>
      Promise.resolve(null),
    /** Bound on one runtime's answer, probe included: an engine that hangs must not hang us. */
    private readonly answerTimeoutMs = 45_000,
  ) {}

  /** The default runtime first, then the others by name. */
  names(): string[] {
    const first = this.config.defaultRuntime;
    return [
      first,
      ...Object.keys(this.config.runtimes)
        .filter((n) => n !== first)
        .sort(),
    ];
  }

  /** Every runtime; probes of different images run side by side. */
  list(): Promise<RuntimeView[]> {
    return Promise.all(this.names().map((name) => this.view(name)));
  }

  /** One runtime; null when no runtime has that name. */
  async get(name: string): Promise<RuntimeView | null> {
    return Object.hasOwn(this.config.runtimes, name) ? this.view(name) : null;
  }

  private async view(name: string): Promise<RuntimeView> {
    const image = this.config.runtimes[name];
    const base = {
      name,
      image,
      default: name === this.config.defaultRuntime,
    };
    const limits = runtimeLimits(this.config);
    const facts = await this.facts(image);
    if ('code' in facts)
      return {
        ...base,
        available: false,
        error: facts,
        image_id: null,
        language: null,
        version: null,
        implementation: null,
        build: null,
        packages: null,
        probed_at: null,
        limits,
      };
    return {
      ...base,
      available: true,
      error: null,
      image_id: facts.imageId,
      language: facts.language,
      version: facts.version,
      implementation: facts.implementation,
      build: facts.build,
      packages: facts.packages,
      probed_at: facts.probedAt.toISOString(),
      limits,
    };
  }

  private async facts(image: string): Promise<RuntimeFacts | RuntimeProblem> {
    if (!this.probe)
      return {
        code: RuntimeErrorCode.NotProbed,
        detail: "USE_DOCKER=0: programs run on this host's python3, not in the image",
      };
    try {
      return await withTimeout(
        this.probe.facts(image),
        this.answerTimeoutMs,
        `the probe of ${image}`,
      );
    } catch (err) {
      const found = problem(err);
      if (found.code !== RuntimeErrorCode.EngineUnreachable) return found;
      // No engine here (the compose API has no Docker socket): a worker's word will do.
      const facts = await this.published(image).catch(() => null);
      return facts ?? found;
    }
  }
}

function problem(err: unknown): RuntimeProblem {
  const detail = (err as Error)?.message ?? String(err);
  if (err instanceof SandboxPlatformError) {
    if (err.code === SandboxErrorCode.ImageMissing)
      return { code: RuntimeErrorCode.ImageMissing, detail };
    if (err.code === SandboxErrorCode.EngineUnreachable)
      return { code: RuntimeErrorCode.EngineUnreachable, detail };
  }
  return { code: RuntimeErrorCode.ProbeFailed, detail };
}
