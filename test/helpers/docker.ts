/** `describe` for suites that need the Docker engine; skipped only when SKIP_DOCKER_TESTS=1. */
export const describeDocker: jest.Describe =
  process.env.SKIP_DOCKER_TESTS === '1' ? describe.skip : describe;
