// The server-rendered pages of the built-in authorization server: sign-in,
// consent, sign-out and errors. Plain forms, no scripts and no external assets,
// so they work with a keyboard and a screen reader and under a strict CSP.
import { SCOPE_DESCRIPTIONS } from './scopes.js';

export function escapeHtml(value: string | number | null | undefined): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
main{max-width:28rem;margin:3rem auto;padding:1.5rem 2rem;background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.15)}
h1{font-size:1.4rem;margin:.2rem 0 1rem}
label{display:block;margin:.8rem 0 .2rem;font-weight:600}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.5rem;font:inherit;border:1px solid #8a93a6;border-radius:4px}
fieldset{border:1px solid #d0d5df;border-radius:6px;margin:1rem 0;padding:.5rem 1rem}
legend{font-weight:600;padding:0 .3rem}
.scope{display:flex;gap:.6rem;align-items:flex-start;margin:.5rem 0;font-weight:normal}
.scope input{flex:none;margin-top:.35rem;width:1.1rem;height:1.1rem}
.scope code{font-size:.85rem;color:#4a5366;word-break:break-all}
.buttons{display:flex;gap:.8rem;margin-top:1.2rem}
button{font:inherit;font-weight:600;padding:.55rem 1.2rem;border-radius:4px;border:1px solid #1f5fbf;background:#1f5fbf;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#1f5fbf}
button:focus-visible,input:focus-visible{outline:3px solid #f2a900;outline-offset:2px}
.error{background:#fdecea;border:1px solid #d93025;color:#8c1d18;padding:.5rem .8rem;border-radius:4px}
.hint{color:#4a5366;font-size:.9rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}dt{font-weight:600}dd{margin:0;word-break:break-word}
`;

export function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · Course catalogue</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

export interface SignInPageInput {
  action: string;
  abortAction: string;
  clientName: string;
  username?: string;
  error?: string;
}

export function signInPage(input: SignInPageInput): string {
  return layout(
    'Sign in',
    `<h1>Sign in</h1>
<p>to continue to <strong>${escapeHtml(input.clientName)}</strong></p>
${input.error ? `<p class="error" role="alert" id="sign-in-error">${escapeHtml(input.error)}</p>` : ''}
<form method="post" action="${escapeHtml(input.action)}">
<label for="username">User name</label>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required ${input.username ? `value="${escapeHtml(input.username)}"` : 'autofocus'}${input.error ? ' aria-describedby="sign-in-error"' : ''}>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required${input.username ? ' autofocus' : ''}>
<div class="buttons"><button type="submit">Sign in</button></div>
</form>
<form method="post" action="${escapeHtml(input.abortAction)}"><div class="buttons"><button type="submit" class="secondary">Cancel</button></div></form>
<p class="hint">Local demo users: user1, user2 and user3 (see the README, "Get a token").</p>`,
  );
}

export interface ConsentPageInput {
  action: string;
  clientName: string;
  username: string;
  /** Every scope the client asked for that the user has not granted yet. */
  scopes: string[];
}

export function consentPage(input: ConsentPageInput): string {
  const items = input.scopes
    .map((scope, i) => {
      const id = `scope-${i}`;
      // openid is the sign-in itself: an OpenID request without it is not one,
      // so it cannot be unticked (the client can ask without it instead).
      const fixed = scope === 'openid';
      return `<label class="scope" for="${id}"><input type="checkbox" id="${id}" name="scope" value="${escapeHtml(scope)}" checked${fixed ? ' disabled' : ''}>
<span>${escapeHtml(SCOPE_DESCRIPTIONS[scope] ?? scope)}<br><code>${escapeHtml(scope)}</code>${fixed ? ' <span class="hint">(required)</span>' : ''}</span></label>`;
    })
    .join('\n');
  return layout(
    'Allow access',
    `<h1>Allow access?</h1>
<p><strong>${escapeHtml(input.clientName)}</strong> asks for access to your account <strong>${escapeHtml(input.username)}</strong>.</p>
<form method="post" action="${escapeHtml(input.action)}">
<fieldset>
<legend>It may</legend>
${items || '<p>Nothing beyond signing you in.</p>'}
</fieldset>
<p class="hint">Untick what you do not want to allow; the application gets only what stays ticked.</p>
<div class="buttons">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</div>
</form>`,
  );
}

export function errorPage(title: string, fields: Record<string, string | undefined>): string {
  const rows = Object.entries(fields)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`)
    .join('');
  return layout(
    title,
    `<h1 role="alert">${escapeHtml(title)}</h1>
<dl>${rows}</dl>
<p class="hint">Go back to the application and start again. If this keeps happening, the details above say what to fix.</p>`,
  );
}

/** oidc-provider hands over its own form (with its CSRF token); we add the buttons. */
export function signOutPage(form: string, host: string): string {
  return layout(
    'Sign out',
    `<h1>Sign out of ${escapeHtml(host)}?</h1>
${form}
<div class="buttons">
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Yes, sign me out</button>
<button type="submit" form="op.logoutForm" class="secondary">No, stay signed in</button>
</div>`,
  );
}

export function signedOutPage(clientName: string | undefined): string {
  return layout('Signed out', `<h1>Signed out</h1><p>You have signed out${clientName ? ` of ${escapeHtml(clientName)}` : ''}. You can close this page.</p>`);
}
