// sdk.mjs - import a package installed in $MCP_SDK_DIR/node_modules (the
// pinned MCP SDK and its dependencies), for the tests here and bench/.
//
// The install lives in $(BUILD)/npm, outside the source tree, and ESM
// resolves a bare specifier only from node_modules above the importing file
// (NODE_PATH is ignored); so a package's subpath is looked up in its
// "exports" map and imported by file URL. The package's own imports then
// resolve normally inside node_modules.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SDK_DIR = resolve(process.env.MCP_SDK_DIR || join(ROOT, 'build', 'npm'));
export const MODULES = join(SDK_DIR, 'node_modules');

// The ESM target of a condition tree: a string, or an object of conditions.
function pick(e) {
	if (typeof e === 'string' || !e)
		return e;
	for (const c of ['import', 'node', 'default']) {
		const t = pick(e[c]);
		if (t)
			return t;
	}
	return undefined;
}

function target(exportsMap, sub) {
	if (typeof exportsMap === 'string' || !exportsMap)
		return sub === '.' ? exportsMap : undefined;
	if (exportsMap[sub])
		return pick(exportsMap[sub]);
	for (const [key, val] of Object.entries(exportsMap)) {
		const star = key.indexOf('*');
		if (star < 0)
			continue;
		const pre = key.slice(0, star), post = key.slice(star + 1);
		if (sub.startsWith(pre) && sub.endsWith(post) && sub.length >= key.length - 1)
			return pick(val)?.replace('*', sub.slice(pre.length, sub.length - post.length));
	}
	return undefined;
}

// The package.json of an installed package (throws when it is not installed).
export function packageJson(pkg) {
	return JSON.parse(readFileSync(join(MODULES, pkg, 'package.json'), 'utf8'));
}

// import() of `sub` ('.', './client/index.js') of an installed package.
export async function load(pkg, sub) {
	const t = target(packageJson(pkg).exports, sub);
	if (!t)
		throw new Error(`${pkg} exports no '${sub}'`);
	return import(pathToFileURL(join(MODULES, pkg, t)).href);
}
