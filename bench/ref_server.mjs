// ref_server.mjs - the reference MCP server for `make bench` (bench/mcp.c):
// the official TypeScript SDK's McpServer over StdioServerTransport with
// three trivial tools, echo, add and now. It is what `agent mcp` is compared
// against, so it does nothing beyond what the SDK's own examples do.
//
//   node bench/ref_server.mjs        (MCP_SDK_DIR: the folder holding node_modules)
//
// The SDK lives in $(BUILD)/npm, outside this folder, and ESM resolves a bare
// specifier only from node_modules above the importing file; so a package's
// subpath is looked up in its "exports" map and imported by file URL, as
// tests/mcp/lib.mjs does. The SDK's own imports then resolve normally.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MODULES = join(process.env.MCP_SDK_DIR || join(ROOT, 'build', 'npm'), 'node_modules');

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

async function load(pkg, sub) {
	const dir = join(MODULES, pkg);
	const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
	const t = target(meta.exports, sub);
	if (!t)
		throw new Error(`${pkg} exports no '${sub}'`);
	return import(pathToFileURL(join(dir, t)).href);
}

const { McpServer } = await load('@modelcontextprotocol/sdk', './server/mcp.js');
const { StdioServerTransport } = await load('@modelcontextprotocol/sdk', './server/stdio.js');
const { z } = await load('zod', '.');

const server = new McpServer({ name: 'bench-ref', version: '1.0.0' });

server.registerTool('echo', {
	title: 'Echo',
	description: 'Return the text it is given.',
	inputSchema: { text: z.string().describe('Text to return') },
}, async ({ text }) => ({ content: [{ type: 'text', text }] }));

server.registerTool('add', {
	title: 'Add',
	description: 'Add two numbers.',
	inputSchema: { a: z.number(), b: z.number() },
}, async ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }));

server.registerTool('now', {
	title: 'Now',
	description: 'The current time, ISO 8601.',
	inputSchema: {},
}, async () => ({ content: [{ type: 'text', text: new Date().toISOString() }] }));

await server.connect(new StdioServerTransport());
