// The playground's scripts and styles, served from node_modules (GraphiQL 3's
// UMD build on React 18's), so it works with no internet connection.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { RequestHandler } from 'express';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** Public name under /graphql/assets → file on disk. */
export const playgroundAssets: Readonly<Record<string, string>> = {
  'react.production.min.js': join(packageDir('react'), 'umd/react.production.min.js'),
  'react-dom.production.min.js': join(packageDir('react-dom'), 'umd/react-dom.production.min.js'),
  'graphiql.min.js': join(packageDir('graphiql'), 'graphiql.min.js'),
  'graphiql.min.css': join(packageDir('graphiql'), 'graphiql.min.css'),
};

export const assetRoute: RequestHandler = (req, res) => {
  const file = playgroundAssets[req.params.file as string];
  if (!file) {
    res.status(404).type('text/plain').send('No such playground asset.');
    return;
  }
  // The names carry no version, so caches revalidate; the files change only with npm installs.
  res.sendFile(file, { maxAge: '1h', dotfiles: 'deny' });
};
