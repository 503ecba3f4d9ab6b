#!/usr/bin/env bash
# Builds Chrome DevTools' heap snapshot loader for plain Node into DIR/loader.mjs: fetches the
# chrome-devtools-frontend npm package (TypeScript sources of front_end/, no build) and esbuild,
# adds the one generated file the loader's imports need (core/i18n/locales.js, which DevTools'
# own GN build writes), and bundles HeapSnapshotLoader + SecondaryInitManager with esbuild.
#
#   analysis/bench/v8/devtools-setup.sh DIR
set -euo pipefail
dir="$1"
version="${DEVTOOLS_FRONTEND_VERSION:-1.0.1705227}"
mkdir -p "$dir"
cd "$dir"
[[ -f loader.mjs ]] && exit 0
if [[ ! -d package ]]; then
  npm pack --silent "chrome-devtools-frontend@$version" > /dev/null
  tar xzf "chrome-devtools-frontend-$version.tgz"
fi
[[ -x node_modules/.bin/esbuild ]] || npm install --silent --no-audit --no-fund esbuild@0.24.0 > /dev/null
cat > package/front_end/core/i18n/locales.js <<'JS'
export const LOCALES = ['en-US'];
export const BUNDLED_LOCALES = ['en-US'];
export const DEFAULT_LOCALE = 'en-US';
export const REMOTE_FETCH_PATTERN = '';
export const LOCAL_FETCH_PATTERN = '';
JS
cat > entry.ts <<'TS'
import {HeapSnapshotLoader} from './package/front_end/entrypoints/heap_snapshot_worker/HeapSnapshotLoader.js';
import {SecondaryInitManager} from './package/front_end/entrypoints/heap_snapshot_worker/HeapSnapshot.js';
export {HeapSnapshotLoader, SecondaryInitManager};
TS
node_modules/.bin/esbuild entry.ts --bundle --platform=node --format=esm --outfile=loader.mjs \
  --log-level=warning
