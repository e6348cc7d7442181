// `npm run build:cli [OUT]`: the CLI as one prebuilt CommonJS file (default dist/redactor-cli.cjs), so
// `redactor scan` starts like plain Node instead of registering tsx and compiling cli/ and detection/ first.
// esbuild (already here as tsx's compiler) bundles our code; packages stay in node_modules.
import { writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';

const ROOT = resolve(__dirname, '..');
export const DEFAULT_CLI_BUNDLE = join(ROOT, 'dist', 'redactor-cli.cjs');
/** The sources a bundle was built from, for bin/redactor.js to tell a stale bundle (then it runs from source). */
export const inputsFile = (bundle: string): string => bundle.replace(/\.cjs$/, '.inputs.json');

/**
 * A `require()` in our code is a lazy load (commands other than scan, the OCR/PDF reader): those modules are not
 * bundled but loaded from source through tsx when asked for, so they keep their own paths (__dirname, workers)
 * and only the text scan's modules are in the bundle. `./scan` is the one lazy load the bundle is for.
 */
function fromSource(outDir: string): Plugin {
  return {
    name: 'lazy-from-source',
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (args.kind !== 'require-call' || args.path === './scan' || args.importer.includes('node_modules')) return undefined;
        const source = relative(outDir, resolve(dirname(args.importer), args.path)).split('\\').join('/');
        return { path: source, namespace: 'from-source' };
      });
      b.onLoad({ filter: /.*/, namespace: 'from-source' }, (args) => ({
        contents: `require('tsx/cjs');\nmodule.exports = require(require('node:path').join(__dirname, ${JSON.stringify(args.path)}));\n`,
        loader: 'js',
        resolveDir: ROOT,
      }));
    },
  };
}

/** Builds the CLI bundle and its inputs list; returns the bundle's size in bytes. */
export async function buildCli(out: string = DEFAULT_CLI_BUNDLE): Promise<number> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [join(ROOT, 'cli', 'redactor.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    outfile: out,
    metafile: true,
    logLevel: 'error',
    plugins: [fromSource(dirname(out))],
  });
  const inputs = Object.keys(result.metafile.inputs)
    .filter((p) => !p.startsWith('from-source:'))
    .map((p) => relative(dirname(out), resolve(ROOT, p)).split('\\').join('/'));
  writeFileSync(inputsFile(out), `${JSON.stringify(inputs)}\n`);
  return result.metafile.outputs[relative(ROOT, out).split('\\').join('/')]?.bytes ?? 0;
}

if (require.main === module) {
  const out = resolve(process.argv[2] ?? DEFAULT_CLI_BUNDLE);
  buildCli(out).then(
    (bytes) => process.stdout.write(`CLI bundle written to ${out} (${Math.round(bytes / 1024)} KiB)\n`),
    (err: unknown) => {
      process.stderr.write(`CLI bundle failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
