import type Docker from 'dockerode';
import { platformError } from '../docker/platform-error';
import { now } from '../timer';
import { probeImage, type ProbeImageOptions } from './probe-image';
import type { RuntimeFacts } from './runtime-facts';

export interface RuntimeProbeOptions extends ProbeImageOptions {
  /** A probe that failed is run again after this long, not at every ask. Default 30 s. */
  retryAfterMs?: number;
}

interface Entry {
  facts: Promise<RuntimeFacts>;
  /** When the probe failed; unset while it runs or once it succeeded. */
  failedAt?: number;
}

/** Image ids remembered at most; the oldest goes first (images are rebuilt, rarely many). */
const MAX_ENTRIES = 64;

/**
 * What runtime images hold, probed lazily and cached per image id: asking costs one image
 * inspect, and a probe runs only for an id not seen yet (the first ask, or the image rebuilt or
 * retagged under the same name). Asks that arrive while a probe runs share it. A failed probe is
 * remembered for `retryAfterMs`, so a broken image is not run again at every request. An image
 * that is missing, or an engine that does not answer, is never cached: the next ask looks again.
 */
export class RuntimeProbe {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly docker: Docker,
    private readonly opts: RuntimeProbeOptions,
  ) {}

  /** Throws SandboxPlatformError (its code says why) when the facts cannot be had. */
  async facts(image: string): Promise<RuntimeFacts> {
    let imageId: string;
    try {
      imageId = (await this.docker.getImage(image).inspect()).Id;
    } catch (err) {
      throw platformError(`inspect the image ${image}`, err, image);
    }
    const known = this.entries.get(imageId);
    const retryAfterMs = this.opts.retryAfterMs ?? 30_000;
    if (known && (known.failedAt === undefined || now() - known.failedAt < retryAfterMs))
      return known.facts;
    const entry: Entry = { facts: probeImage(this.docker, image, imageId, this.opts) };
    entry.facts.catch(() => (entry.failedAt = now()));
    this.entries.delete(imageId);
    this.entries.set(imageId, entry);
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    return entry.facts;
  }
}
