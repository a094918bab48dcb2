/**
 * CORS_ORIGINS as a list of origins, each as browsers send it (`scheme://host[:port]`, lower
 * case, no default port, no path): `https://App.example.com:443/` is `https://app.example.com`.
 * `*` is any origin; `null` is what pages opened from disk (file://) send, and sandboxed frames
 * of any site too. Throws naming the first entry that is none of these.
 */
export function parseCorsOrigins(text: string): string[] {
  const origins: string[] = [];
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    if (entry === '*' || entry === 'null') {
      origins.push(entry);
      continue;
    }
    let url: URL | null = null;
    try {
      url = new URL(entry);
    } catch {
      /* refused below */
    }
    const bare = url && url.pathname === '/' && !url.search && !url.hash && !url.username;
    if (!url || !bare || !['http:', 'https:'].includes(url.protocol))
      throw new Error(
        `entry ${JSON.stringify(entry)} is not an origin (scheme://host[:port], no path), * or null`,
      );
    origins.push(url.origin);
  }
  return [...new Set(origins)];
}
