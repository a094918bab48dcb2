import { GVISOR_MIN_CPU_LIMIT } from '@job-runner/config';
import { GVISOR_MIN_CPUS } from '@job-runner/sandbox';

describe('the CPU floor under gVisor', () => {
  it("is the same in the configuration's default and in the sandbox's start check", () => {
    expect(GVISOR_MIN_CPU_LIMIT).toBe(GVISOR_MIN_CPUS);
  });
});
