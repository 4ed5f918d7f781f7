// A tiny browser stand-in for the OAuth flows over real HTTP: a cookie jar,
// redirects followed by hand (so each step can be checked), form posts, PKCE.
import { createHash, randomBytes } from 'node:crypto';

export class CookieJar {
  private readonly cookies = new Map<string, { value: string; path: string }>();

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const path = attributes.map((a) => a.trim()).find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || attributes.some((a) => /^\s*max-age=0$/i.test(a));
      const key = `${name};${path}`;
      if (expired || value === '') this.cookies.delete(key);
      else this.cookies.set(key, { value, path });
    }
  }

  header(url: string): string {
    const { pathname } = new URL(url);
    return [...this.cookies.entries()]
      .filter(([, c]) => pathname === c.path || pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`) || c.path === '/')
      .map(([key, c]) => `${key.slice(0, key.indexOf(';'))}=${c.value}`)
      .join('; ');
  }
}

export class Browser {
  readonly jar = new CookieJar();

  async get(url: string): Promise<Response> {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: this.jar.header(url), accept: 'text/html' } });
    this.jar.store(res);
    return res;
  }

  async post(url: string, form: Record<string, string | string[]>): Promise<Response> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
    const res = await fetch(url, { method: 'POST', redirect: 'manual', body, headers: { cookie: this.jar.header(url), accept: 'text/html' } });
    this.jar.store(res);
    return res;
  }

  /** Follows redirects while they stay on `origin`; returns the first response that is not one, or the redirect leaving it. */
  async follow(res: Response, base: string): Promise<{ res: Response; url: string }> {
    let url = base;
    while (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get('location')!, url).toString();
      if (new URL(next).origin !== new URL(base).origin) return { res, url: next };
      url = next;
      res = await this.get(url);
    }
    return { res, url };
  }
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function basicAuth(clientId: string, secret: string): string {
  // RFC 6749 §2.3.1: form-urlencode each part before Base64.
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

export async function postForm(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(url, { method: 'POST', body: new URLSearchParams(form), headers });
  const text = await res.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: res.status, body, headers: res.headers };
}

/** The checkbox values of a consent page, and whether each is enabled. */
export function consentCheckboxes(html: string): { value: string; disabled: boolean }[] {
  return [...html.matchAll(/<input type="checkbox"[^>]*>/g)].map(([tag]) => ({
    value: /value="([^"]*)"/.exec(tag)![1]!.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))),
    disabled: / disabled/.test(tag),
  }));
}

/** The action of the first form of a page. */
export function formAction(html: string): string {
  return /<form method="post" action="([^"]+)"/.exec(html)![1]!;
}
