// The playground page: GraphiQL with its header editor, plus a sign-in
// button (authorization code + PKCE with the public `playground` client of the
// built-in authorization server) and a box to paste a token (`npm run token`).
// The token lives in the page only (sessionStorage for the PKCE round trip),
// never in localStorage.

export interface PlaygroundOptions {
  /** The server's public address, without a trailing slash. */
  publicUrl: string;
  /** The built-in authorization server's issuer, when it runs. */
  issuer?: string;
  clientId: string;
  scope: string;
}

const escapeJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

export function playgroundPage(options: PlaygroundOptions): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Course catalogue · GraphQL playground</title>
<link rel="stylesheet" href="/graphql/assets/graphiql.min.css">
<style>
  html, body { height: 100%; margin: 0; font-family: system-ui, sans-serif; }
  body { display: flex; flex-direction: column; }
  #bar { display: flex; gap: 8px; align-items: center; padding: 6px 10px; border-bottom: 1px solid #ddd; font-size: 13px; }
  #bar input[type=text] { flex: 1; min-width: 8em; font: inherit; padding: 3px 6px; }
  #bar button { font: inherit; padding: 3px 10px; cursor: pointer; }
  #status { color: #555; }
  #graphiql { flex: 1; min-height: 0; }
</style>
</head>
<body>
<div id="bar">
  <strong>Course catalogue API</strong>
  <button id="sign-in" type="button" title="Sign in with the built-in authorization server (PKCE)">Sign in</button>
  <input id="scope" type="text" aria-label="Scopes to ask for" title="Scopes to ask for">
  <input id="token" type="text" aria-label="Access token" placeholder="…or paste an access token (npm run token)">
  <button id="use-token" type="button">Use token</button>
  <button id="sign-out" type="button">Forget token</button>
  <span id="status" role="status"></span>
</div>
<div id="graphiql">Loading the playground…</div>
<script src="/graphql/assets/react.production.min.js"></script>
<script src="/graphql/assets/react-dom.production.min.js"></script>
<script src="/graphql/assets/graphiql.min.js"></script>
<script>
(function () {
  var config = ${escapeJson(options)};
  var endpoint = config.publicUrl + '/graphql';
  var status = document.getElementById('status');
  var scopeBox = document.getElementById('scope');
  scopeBox.value = config.scope;
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  var defaultQuery = '# Send an Authorization header (Headers tab below), then run:\\n' +
    'query Courses {\\n  courses(first: 5, sort: [{ field: COURSE_IDENTIFIER }]) {\\n    totalCount\\n' +
    '    nodes { id courseIdentifier courseName courseTerms { nodes { termIdentifier } } }\\n  }\\n}\\n';

  function render(token) {
    var headers = token ? JSON.stringify({ Authorization: 'Bearer ' + token }, null, 2) : '{}';
    root.render(React.createElement(GraphiQL, {
      key: String(Date.now()),
      fetcher: GraphiQL.createFetcher({ url: endpoint }),
      headers: headers,
      defaultQuery: defaultQuery,
      defaultEditorToolsVisibility: 'headers',
      shouldPersistHeaders: false,
    }));
  }

  function base64url(bytes) {
    var s = '';
    bytes.forEach(function (b) { s += String.fromCharCode(b); });
    return btoa(s).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
  }
  function randomText() { var b = new Uint8Array(32); crypto.getRandomValues(b); return base64url(b); }
  function metadata() {
    if (!config.issuer) return Promise.reject(new Error('the built-in authorization server is off; paste a token instead'));
    return fetch(config.issuer + '/.well-known/openid-configuration').then(function (r) {
      if (!r.ok) throw new Error('discovery answered ' + r.status);
      return r.json();
    });
  }

  document.getElementById('sign-in').onclick = function () {
    if (!window.crypto || !crypto.subtle) { status.textContent = 'Sign-in needs a secure context (https or localhost).'; return; }
    var verifier = randomText();
    var state = randomText();
    crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)).then(function (digest) {
      return metadata().then(function (meta) {
        sessionStorage.setItem('playground.pkce', JSON.stringify({ verifier: verifier, state: state, tokenEndpoint: meta.token_endpoint }));
        var url = new URL(meta.authorization_endpoint);
        url.search = new URLSearchParams({
          response_type: 'code', client_id: config.clientId, redirect_uri: endpoint, scope: scopeBox.value,
          state: state, code_challenge: base64url(new Uint8Array(digest)), code_challenge_method: 'S256',
        }).toString();
        location.assign(url.toString());
      });
    }).catch(function (e) { status.textContent = 'Sign-in failed: ' + e.message; });
  };

  document.getElementById('use-token').onclick = function () {
    var token = document.getElementById('token').value.trim().replace(/^Bearer\\s+/i, '');
    render(token);
    status.textContent = token ? 'Using the pasted token.' : 'No token.';
  };
  document.getElementById('sign-out').onclick = function () { render(''); status.textContent = 'Token forgotten.'; };

  // Back from the authorization server: trade the code for a token (RFC 7636 §4.5).
  var params = new URLSearchParams(location.search);
  var pending = JSON.parse(sessionStorage.getItem('playground.pkce') || 'null');
  if ((params.get('code') || params.get('error')) && pending) {
    sessionStorage.removeItem('playground.pkce');
    history.replaceState(null, '', location.pathname);
    if (params.get('error')) { status.textContent = 'Sign-in refused: ' + (params.get('error_description') || params.get('error')); render(''); return; }
    if (params.get('state') !== pending.state) { status.textContent = 'Sign-in failed: the state does not match.'; render(''); return; }
    fetch(pending.tokenEndpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: params.get('code'), redirect_uri: endpoint, client_id: config.clientId, code_verifier: pending.verifier }),
    }).then(function (r) { return r.json(); }).then(function (body) {
      if (!body.access_token) throw new Error(body.error_description || body.error || 'no access token');
      render(body.access_token);
      status.textContent = 'Signed in; the token is in the Headers tab (scope: ' + (body.scope || 'n/a') + ').';
    }).catch(function (e) { render(''); status.textContent = 'Sign-in failed: ' + e.message; });
  } else {
    render('');
  }
})();
</script>
</body>
</html>`;
}
