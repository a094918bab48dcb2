import { SandboxErrorCode } from './sandbox-error-code';
import { SandboxPlatformError } from './sandbox-platform-error';

/**
 * `net_policy: outbound` cannot be honoured safely on this worker: the platform's bridge or its
 * firewall is missing, or outbound is switched off. The run is refused before any container
 * exists; it is never run with an open network instead. Not retried: the job fails saying so.
 */
export class OutboundUnavailableError extends SandboxPlatformError {
  constructor(readonly reason: string) {
    super(
      SandboxErrorCode.OutboundUnavailable,
      `net_policy outbound is unavailable on this worker: ${reason}`,
    );
    this.name = 'OutboundUnavailableError';
  }
}
