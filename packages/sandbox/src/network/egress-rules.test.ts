import { egressJumps, egressNames, egressRestoreDocument } from './egress-rules';

describe('egress rules', () => {
  const names = egressNames('job-runner-outbound');

  it('derives short, stable names from the network name', () => {
    expect(egressNames('job-runner-outbound')).toEqual(names);
    expect(egressNames('other').bridge).not.toBe(names.bridge);
    expect(Buffer.byteLength(names.bridge)).toBeLessThanOrEqual(15);
    expect(names.forwardChain.length).toBeLessThanOrEqual(28);
  });

  it('refuses every range the contract names, and the host itself', () => {
    const doc = egressRestoreDocument(names);
    for (const range of [
      '10.0.0.0/8',
      '172.16.0.0/12',
      '192.168.0.0/16',
      '169.254.0.0/16',
      '100.64.0.0/10',
      '127.0.0.0/8',
      '0.0.0.0/8',
      '224.0.0.0/4',
      '240.0.0.0/4',
    ])
      expect(doc).toContain(`-A ${names.forwardChain} -d ${range} -j REJECT`);
    expect(doc).toContain(`-A ${names.forwardChain} -o ${names.bridge} -j REJECT`);
    expect(doc).toContain(`-A ${names.inputChain} -j REJECT`);
    // Every refusal comes before the one way out.
    const lines = doc.split('\n');
    expect(lines.findIndex((l) => l === `-A ${names.forwardChain} -j RETURN`)).toBeGreaterThan(
      Math.max(
        ...lines.map((l, i) =>
          l.includes('-j REJECT') && l.includes(names.forwardChain) ? i : -1,
        ),
      ),
    );
    // Only our chains are declared (and so replaced); nothing else is flushed.
    expect(doc.match(/^:.*$/gm)).toEqual([
      `:${names.forwardChain} - [0:0]`,
      `:${names.inputChain} - [0:0]`,
    ]);
  });

  it('jumps only for traffic coming from our bridge', () => {
    for (const { rule } of egressJumps(names))
      expect(rule.slice(0, 2)).toEqual(['-i', names.bridge]);
  });
});
