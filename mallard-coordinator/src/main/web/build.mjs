// Copies the page's sources and the pinned CodeMirror files into the directory the coordinator serves from the classpath.
// Usage: node build.mjs OUT_DIR (Maven passes target/classes/mallard-web).
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2];
if (!out) {
  console.error('usage: node build.mjs OUT_DIR');
  process.exit(2);
}
const lock = JSON.parse(readFileSync(join(here, 'package-lock.json'), 'utf8'));
const installed = join(here, 'node_modules', 'codemirror', 'package.json');
const wanted = lock.packages['node_modules/codemirror'].version;
if (!existsSync(installed) || JSON.parse(readFileSync(installed, 'utf8')).version !== wanted) {
  console.error(`node_modules does not hold codemirror ${wanted} of package-lock.json: run npm ci in ${here}`);
  process.exit(1);
}
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'vendor'), { recursive: true });
cpSync(join(here, 'src'), out, { recursive: true });
const cm = join(here, 'node_modules', 'codemirror');
cpSync(join(cm, 'lib', 'codemirror.js'), join(out, 'vendor', 'codemirror.js'));
cpSync(join(cm, 'lib', 'codemirror.css'), join(out, 'vendor', 'codemirror.css'));
cpSync(join(cm, 'mode', 'sql', 'sql.js'), join(out, 'vendor', 'sql.js'));
cpSync(join(cm, 'LICENSE'), join(out, 'vendor', 'LICENSE-codemirror'));
console.log(`web page built into ${out}`);
