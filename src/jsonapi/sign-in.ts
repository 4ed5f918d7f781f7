// The built-in authorization server as the documents for people and tools
// (OpenAPI, Swagger UI, the Postman collection) present it. The app
// (src/http/app.ts) passes it in; this door does not import src/oauth.

export interface SignInServer {
  /** The issuer, e.g. http://host/oauth. */
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  /** The public client (authorization code + PKCE) Swagger UI signs in with. */
  browserClientId: string;
  /** The confidential client of Postman and newman (authorization code + PKCE, or client credentials). */
  toolClientId: string;
  /** Its secret when it is the documented local default; empty otherwise, for the user to fill in. */
  toolClientSecret: string;
  /** What a token needs for every operation (client credentials ask for these). */
  apiScopes: readonly string[];
  /** What a user's sign-in asks for: these and OpenID's. */
  signInScopes: readonly string[];
}
