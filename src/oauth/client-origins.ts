// Which browser origins may read the authorization server's answers for a
// client: the origins of its registered redirect URIs, where its pages run.
// Never the opaque origin `null` (sandboxed frames, file: pages, some
// redirects), which any page can take on.
export function redirectUriOrigins(redirectUris: readonly string[] | undefined): Set<string> {
  const origins = new Set<string>();
  for (const uri of redirectUris ?? []) {
    const origin = URL.parse(uri)?.origin;
    if (origin && origin !== 'null') origins.add(origin);
  }
  return origins;
}

export function isRedirectUriOrigin(origin: string | undefined, redirectUris: readonly string[] | undefined): boolean {
  return !!origin && origin !== 'null' && redirectUriOrigins(redirectUris).has(origin);
}
