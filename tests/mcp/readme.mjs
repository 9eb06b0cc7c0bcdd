// readme.mjs AGENT [README] - the client configurations in the README
// section "Using the agent from an MCP client" work: every ```json block
// there has the mcpServers shape, and the agent, started the way each
// server entry (and each `claude mcp add` line) says, with its command
// replaced by AGENT, serves tools to the official MCP SDK client.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT, agentArg, assert, check, connect, disconnect, done } from './lib.mjs';

const agent = agentArg();
const readme = resolve(process.argv[3] ?? join(ROOT, 'README.md'));
const HEADING = '## Using the agent from an MCP client';

let section;
await check(`README has the section '${HEADING}'`, async () => {
	const text = readFileSync(readme, 'utf8');
	const start = text.split('\n').findIndex((l) => l.trim() === HEADING);
	assert.ok(start >= 0, `no '${HEADING}' heading in ${readme}`);
	const lines = text.split('\n').slice(start + 1);
	const end = lines.findIndex((l) => /^#{1,2} /.test(l));
	section = (end < 0 ? lines : lines.slice(0, end)).join('\n');
});

// Fenced blocks of one language in the section.
function blocks(lang) {
	const re = new RegExp('^```' + lang + '[ \\t]*\\n([\\s\\S]*?)^```[ \\t]*$', 'gm');
	return [...section.matchAll(re)].map((m) => m[1]);
}

// How each snippet says to start the server: [label, args].
const launches = [];

await check('every json block parses and has the mcpServers shape', async () => {
	const json = blocks('json');
	assert.ok(json.length >= 3, `${json.length} json blocks; want Claude Desktop, .mcp.json and Cursor`);
	json.forEach((src, i) => {
		let doc;
		try {
			doc = JSON.parse(src);
		} catch (e) {
			assert.fail(`json block ${i + 1} does not parse: ${e.message}\n${src}`);
		}
		assert.equal(typeof doc.mcpServers, 'object', `block ${i + 1}: no mcpServers object`);
		assert.ok(doc.mcpServers && !Array.isArray(doc.mcpServers));
		const servers = Object.entries(doc.mcpServers);
		assert.ok(servers.length >= 1, `block ${i + 1}: no server`);
		for (const [name, s] of servers) {
			const where = `block ${i + 1}, server '${name}'`;
			assert.equal(typeof s, 'object', where);
			assert.equal(typeof s.command, 'string', `${where}: command is not a string`);
			assert.ok(s.command.startsWith('/'), `${where}: command is not an absolute path`);
			assert.ok(Array.isArray(s.args), `${where}: args is not an array`);
			assert.ok(s.args.every((a) => typeof a === 'string'), `${where}: args are not strings`);
			assert.ok(s.args.includes('mcp'), `${where}: args lack "mcp"`);
			if ('type' in s)
				assert.equal(s.type, 'stdio', `${where}: type`);
			if ('env' in s)
				assert.equal(typeof s.env, 'object', `${where}: env`);
			launches.push([where, s.args]);
		}
	});
});

await check('every `claude mcp add` line ends in the agent and mcp', async () => {
	const lines = ['sh', 'bash', 'shell', 'console'].flatMap(blocks)
		.flatMap((b) => b.split('\n')).filter((l) => /^\s*claude mcp add\b/.test(l));
	assert.ok(lines.length >= 1, 'no `claude mcp add` command');
	for (const l of lines) {
		const dash = l.indexOf(' -- ');
		assert.ok(dash > 0, `no ' -- ' before the command: ${l}`);
		const [command, ...args] = l.slice(dash + 4).trim().split(/\s+/);
		assert.ok(command.startsWith('/'), `not an absolute path: ${command}`);
		assert.ok(args.includes('mcp'), `no mcp argument: ${l}`);
		launches.push([`'${l.trim()}'`, args]);
	}
});

for (const [where, args] of launches) {
	await check(`${where}: the agent started so serves tools`, async () => {
		const client = await connect(agent, [], { args });
		const names = (await client.listTools()).tools.map((t) => t.name);
		assert.ok(names.includes('list_skills'), `tools: ${names.join(', ')}`);
		if (!args.includes('--scoped'))
			assert.ok(names.some((n) => n.includes('__')), 'no skill tools listed');
		const res = await client.callTool({ name: 'list_skills', arguments: {} });
		assert.notEqual(res.isError, true);
		await disconnect(client);
	});
}

await done();
