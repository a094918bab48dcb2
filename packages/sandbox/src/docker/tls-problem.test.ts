import { SandboxErrorCode } from '../errors/sandbox-error-code';
import { isEngineUnreachable, platformError } from './platform-error';
import { tlsProblem } from './tls-problem';

/** Errors as Node and docker-modem report them (seen against dockerd --tlsverify). */
const coded = (code: string, message: string) => Object.assign(new Error(message), { code });
const WRONG_CA = coded('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate');
const CLIENT_REFUSED = coded(
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'error:0A000412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate',
);
const PLAIN_TO_TLS = Object.assign(
  new Error('(HTTP code 400) unexpected - Client sent an HTTP request to an HTTPS server.\n '),
  { statusCode: 400 },
);

describe('tlsProblem', () => {
  it("says the engine's certificate is not signed by our ca.pem", () => {
    expect(tlsProblem(WRONG_CA)).toBe(
      "the engine's certificate is not signed by the CA in DOCKER_CERT_PATH's ca.pem (UNABLE_TO_VERIFY_LEAF_SIGNATURE)",
    );
    expect(tlsProblem(coded('SELF_SIGNED_CERT_IN_CHAIN', 'x'))).toMatch(/not signed by the CA/);
  });

  it('says the engine refused our client certificate, whatever alert it sent', () => {
    expect(tlsProblem(CLIENT_REFUSED)).toMatch(
      /^the engine refused our client certificate \(DOCKER_CERT_PATH's cert\.pem.*\(ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE\)$/,
    );
    expect(tlsProblem(coded('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'x'))).toMatch(
      /^the engine refused our client certificate/,
    );
  });

  it('tells TLS to a plain engine, and plain HTTP to a TLS engine, apart', () => {
    expect(tlsProblem(coded('ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number'))).toMatch(
      /does not speak TLS at this address/,
    );
    expect(tlsProblem(PLAIN_TO_TLS)).toMatch(/speaks TLS at this address.*DOCKER_TLS_VERIFY=1/);
  });

  it('names an expired certificate and one made out to another address', () => {
    expect(tlsProblem(coded('CERT_HAS_EXPIRED', 'certificate has expired'))).toMatch(
      /not valid now \(CERT_HAS_EXPIRED\)/,
    );
    expect(
      tlsProblem(
        coded('ERR_TLS_CERT_ALTNAME_INVALID', "IP: 10.0.0.9 is not in the cert's list: 10.0.0.5"),
      ),
    ).toMatch(/not made out to the address in DOCKER_HOST \(IP: 10\.0\.0\.9/);
  });

  it('is null for anything else', () => {
    for (const err of [
      coded('ECONNREFUSED', 'connect ECONNREFUSED'),
      Object.assign(new Error('(HTTP code 400) bad parameter'), { statusCode: 400 }),
      new Error('OCI runtime create failed'),
      null,
      'text',
    ])
      expect(tlsProblem(err)).toBeNull();
  });
});

describe('platformError over TLS', () => {
  it('calls a failed TLS session an unreachable engine, saying why', () => {
    const err = platformError('answer', WRONG_CA);
    expect(err.code).toBe(SandboxErrorCode.EngineUnreachable);
    expect(err.message).toBe(
      "Docker engine unreachable over TLS while trying to answer: the engine's certificate is not signed by the CA in DOCKER_CERT_PATH's ca.pem (UNABLE_TO_VERIFY_LEAF_SIGNATURE)",
    );
    expect(isEngineUnreachable(CLIENT_REFUSED)).toBe(true);
    expect(isEngineUnreachable(PLAIN_TO_TLS)).toBe(true);
  });
});
