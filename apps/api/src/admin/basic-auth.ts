import type { RequestHandler } from 'express';
import { safeEqual } from '../auth/safe-equal';
import { unauthorized } from '../errors/http-error';

const CHALLENGE = 'Basic realm="job-runner admin", charset="UTF-8"';

/** HTTP Basic in front of the admin board; every request under it needs the credentials. */
export function basicAuth(user: string, password: string): RequestHandler {
  return (req, _res, next) => {
    const header = req.headers.authorization ?? '';
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (!m) return next(unauthorized('admin credentials required', CHALLENGE));
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const givenUser = colon < 0 ? decoded : decoded.slice(0, colon);
    const givenPassword = colon < 0 ? '' : decoded.slice(colon + 1);
    // Both compared, always, so timing does not tell which one was wrong.
    const ok = [safeEqual(givenUser, user), safeEqual(givenPassword, password)].every(Boolean);
    if (!ok) return next(unauthorized('wrong admin credentials', CHALLENGE));
    next();
  };
}
