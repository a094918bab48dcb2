/** One installed distribution, as `importlib.metadata` names it. */
export interface RuntimePackage {
  name: string;
  version: string;
}

/** What a runtime image holds, as a probe run inside it reported (never typed in by hand). */
export interface RuntimeFacts {
  /** The image the probe ran, by id: the facts hold for exactly this image. */
  imageId: string;
  language: 'python';
  /** `platform.python_version()`, e.g. 3.11.2. */
  version: string;
  /** `platform.python_implementation()`, e.g. CPython. */
  implementation: string;
  /** `sys.version`: the version with its build date and compiler. */
  build: string;
  /** Every distribution the interpreter finds, one per name, sorted by name. */
  packages: RuntimePackage[];
  /** When the probe ran. */
  probedAt: Date;
}
