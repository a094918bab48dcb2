/**
 * `net_policy: outbound` cannot be honoured safely on this worker: the platform's bridge or its
 * firewall is missing, or outbound is switched off. The run is refused before any container
 * exists; it is never run with an open network instead.
 */
export class OutboundUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`net_policy outbound is unavailable on this worker: ${reason}`);
    this.name = 'OutboundUnavailableError';
  }
}
