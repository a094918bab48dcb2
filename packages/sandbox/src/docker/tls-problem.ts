/** OpenSSL's verdicts on an engine certificate that no CA in ca.pem vouches for. */
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
]);

/**
 * What went wrong between us and a Docker engine reached over TLS (DOCKER_TLS_VERIFY), in the
 * operator's terms: whose certificate, and which file or variable to look at. null when `err`
 * is no such failure. Node reports these as codes (OpenSSL's verdict on the engine's
 * certificate, or the alert the engine sent about ours), which alone say little.
 */
export function tlsProblem(err: unknown): string | null {
  const e = err as { code?: unknown; statusCode?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : '';
  if (UNTRUSTED.has(code))
    return `the engine's certificate is not signed by the CA in DOCKER_CERT_PATH's ca.pem (${code})`;
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID')
    return `the engine's certificate is not valid now (${code})`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return `the engine's certificate is not made out to the address in DOCKER_HOST (${message})`;
  // An alert is the engine's own refusal of the handshake: of our certificate, in practice
  // (dockerd --tlsverify accepts only clients signed by its --tlscacert).
  if (/^ERR_SSL_.*ALERT/.test(code))
    return `the engine refused our client certificate (DOCKER_CERT_PATH's cert.pem: not signed by a CA the engine trusts, expired, or none) (${code})`;
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/.test(message))
    return 'the engine does not speak TLS at this address (DOCKER_HOST): unset DOCKER_TLS_VERIFY for a plain-TCP engine, or use its TLS port';
  if (e?.statusCode === 400 && /HTTP request to an HTTPS server/i.test(message))
    return 'the engine speaks TLS at this address (DOCKER_HOST): set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH';
  if (code.startsWith('ERR_OSSL_'))
    return `the certificate files in DOCKER_CERT_PATH cannot be used (${code}: ${message})`;
  return null;
}
