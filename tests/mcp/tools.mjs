// tools.mjs AGENT - the handshake, tools/list (whole and paged) and a call
// of every tool of the default agent (baked from skills/), through the
// official MCP SDK client.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
	LATEST_PROTOCOL_VERSION, ROOT, SDK_VERSION, StdioClientTransport, agentArg, allTools,
	assert, check, connect, done, mcpError, tempDir, textOf,
} from './lib.mjs';

const agent = agentArg();
const SAMPLE_JSON = join(ROOT, 'tests/e2e/sample.json');
const SAMPLE_LOG = join(ROOT, 'tests/e2e/sample.log');
const BUILTINS = ['list_skills', 'read_skill_file'];

// What the agent says it has, from its own CLI.
const listed = spawnSync(agent, ['list', '--json'], { encoding: 'utf8' });
assert.equal(listed.status, 0, `${agent} list --json failed: ${listed.stderr}`);
const skills = JSON.parse(listed.stdout).skills;
const expected = skills.flatMap((s) => s.tools);

// A directory with a known layout for disk_usage.
const duDir = tempDir('mcp-du-');
mkdirSync(join(duDir, 'big'));
writeFileSync(join(duDir, 'big', 'blob'), Buffer.alloc(64 * 1024, 1));

const sha256 = createHash('sha256').update(readFileSync(SAMPLE_JSON)).digest('hex');
const logLines = readFileSync(SAMPLE_LOG, 'utf8').trimEnd().split('\n');

/*
 * Sample arguments for every tool of skills/, and what its output must
 * show. A tool added to skills/ without an entry here fails the test.
 */
const CALLS = {
	'file-tools__checksums': {
		args: { paths: [SAMPLE_JSON] },
		ok: (text, res) => {
			assert.match(text, new RegExp(sha256));
			if (res.structuredContent)
				assert.equal(res.structuredContent.files[0].digest, sha256);
		},
	},
	'file-tools__disk_usage': {
		args: { path: duDir, depth: 1 },
		ok: (text) => {
			assert.ok(text.includes(join(duDir, 'big')), 'the subdirectory is not listed');
		},
	},
	'json-tools__json_format': {
		args: { file: SAMPLE_JSON, sort_keys: true },
		ok: (text) => assert.deepEqual(JSON.parse(text), JSON.parse(readFileSync(SAMPLE_JSON, 'utf8'))),
	},
	'json-tools__json_query': {
		args: { file: SAMPLE_JSON, path: 'tools.1' },
		ok: (text) => assert.equal(JSON.parse(text), 'echo'),
	},
	'log-search__search_logs': {
		args: { paths: [SAMPLE_LOG], pattern: 'refused' },
		ok: (text) => {
			assert.match(text, /connection refused to db/);
			assert.match(text, /connection refused to cache/);
			assert.doesNotMatch(text, /service started/);
		},
	},
	'log-search__tail_log': {
		args: { file: SAMPLE_LOG, lines: 2 },
		ok: (text) => {
			assert.ok(text.includes(logLines.at(-1)) && text.includes(logLines.at(-2)), 'not the last lines');
			assert.ok(!text.includes(logLines[0]), 'more than two lines');
		},
	},
	'system-info__snapshot': {
		args: { sections: ['os', 'memory'] },
		ok: (text, res) => {
			const snap = res.structuredContent ?? JSON.parse(text);
			assert.equal(typeof snap.os, 'object');
			assert.equal(typeof snap.memory, 'object');
		},
	},
	// WASM tools (skills/text-kit), compiled into the agent by wasm2c.
	'text-kit__digest': {
		args: { text: 'abc', algorithm: 'sha256' },
		ok: (text) => assert.deepEqual(JSON.parse(text), {
			algorithm: 'sha256', encoding: 'hex', bytes: 3,
			digest: createHash('sha256').update('abc').digest('hex'),
		}),
	},
	'text-kit__transform': {
		args: { text: 'Hello, MCP client', op: 'base64-encode' },
		ok: (text) => assert.equal(JSON.parse(text).result,
			Buffer.from('Hello, MCP client').toString('base64')),
	},
	'system-info__top_procs': {
		args: { count: 3, key: 'mem' },
		ok: (text) => {
			assert.match(text, /PID/);
			assert.ok(text.trim().split('\n').length <= 4, 'more than three processes');
		},
	},
};

console.log(`# @modelcontextprotocol/sdk ${SDK_VERSION}, agent ${agent}`);

let client;
await check('connect: initialize negotiates the latest version', async () => {
	client = await connect(agent);
	const init = client.sent.find((m) => m.method === 'initialize');
	const reply = client.received.find((m) => m.id === init.id);
	assert.equal(init.params.protocolVersion, '2025-11-25');
	assert.equal(LATEST_PROTOCOL_VERSION, '2025-11-25');
	assert.equal(reply.result.protocolVersion, '2025-11-25');
	assert.equal(client.getServerVersion().name, JSON.parse(listed.stdout).agent);
	assert.equal(typeof client.getServerVersion().version, 'string');
	const caps = client.getServerCapabilities();
	for (const c of ['tools', 'prompts', 'resources', 'logging'])
		assert.ok(caps[c], `capability '${c}' missing`);
	assert.match(client.getInstructions() ?? '', /list_skills/);
});

// Older clients: the server answers with their version; an unknown one gets
// the latest. Raw messages over the SDK's transport.
await check('initialize with older and unknown protocol versions', async () => {
	for (const [want, got] of [['2025-06-18', '2025-06-18'], ['2025-03-26', '2025-03-26'],
				   ['2024-11-05', '2024-11-05'], ['1999-01-01', '2025-11-25']]) {
		const t = new StdioClientTransport({
			command: agent, args: ['mcp'],
			env: { PATH: process.env.PATH, XDG_CACHE_HOME: tempDir('mcp-cache-') },
			stderr: 'ignore',
		});
		const reply = new Promise((res, rej) => {
			t.onmessage = res;
			t.onerror = rej;
		});
		await t.start();
		await t.send({
			jsonrpc: '2.0', id: 1, method: 'initialize',
			params: { protocolVersion: want, capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
		});
		const msg = await reply;
		await t.close();
		assert.equal(msg.result?.protocolVersion, got, `asked for ${want}: ${JSON.stringify(msg)}`);
	}
});

let tools;
await check('tools/list: builtins, then every tool of the agent', async () => {
	const page = await client.listTools();
	assert.equal(page.nextCursor, undefined, 'one page expected by default');
	tools = page.tools;
	const names = tools.map((t) => t.name);
	assert.deepEqual(names, [...BUILTINS, ...expected.map((t) => t.name)]);
	for (const t of tools) {
		assert.equal(typeof t.title, 'string', `${t.name}: no title`);
		assert.ok(t.title.length > 0, `${t.name}: empty title`);
		assert.ok(typeof t.description === 'string' && t.description.length > 0,
			  `${t.name}: no description`);
		assert.equal(t.inputSchema?.type, 'object', `${t.name}: inputSchema is not an object schema`);
		if (t.outputSchema)
			assert.equal(t.outputSchema.type, 'object', `${t.name}: outputSchema is not an object schema`);
	}
	for (const e of expected)
		assert.equal(tools.find((t) => t.name === e.name).description, e.description,
			     `${e.name}: description differs from 'agent list'`);
});

await check('tools/list --page-size 2: every tool once, in order', async () => {
	const paged = await connect(agent, ['--page-size', '2']);
	const seen = [];
	let cursor, pages = 0;
	do {
		const page = await paged.listTools(cursor === undefined ? {} : { cursor });
		assert.ok(page.tools.length >= 1 && page.tools.length <= 2, `page of ${page.tools.length}`);
		seen.push(...page.tools.map((t) => t.name));
		cursor = page.nextCursor;
		assert.ok(++pages <= tools.length, 'the cursors never end');
	} while (cursor !== undefined);
	assert.equal(pages, Math.ceil(tools.length / 2));
	assert.deepEqual(seen, tools.map((t) => t.name));
	assert.equal(new Set(seen).size, seen.length, 'a tool was listed twice');

	// The same for prompts and resources.
	const prompts = [];
	cursor = undefined;
	do {
		const page = await paged.listPrompts(cursor === undefined ? {} : { cursor });
		assert.ok(page.prompts.length <= 2);
		prompts.push(...page.prompts.map((p) => p.name));
		cursor = page.nextCursor;
	} while (cursor !== undefined);
	assert.deepEqual(prompts, skills.map((s) => s.name));
	const resources = [];
	cursor = undefined;
	do {
		const page = await paged.listResources(cursor === undefined ? {} : { cursor });
		assert.ok(page.resources.length <= 2);
		resources.push(...page.resources.map((r) => r.uri));
		cursor = page.nextCursor;
	} while (cursor !== undefined);
	assert.deepEqual(resources, (await client.listResources()).resources.map((r) => r.uri));

	for (const bad of ['bogus', 't:999999', 't:-1', '', 'p:2', 'r:2'])
		assert.equal((await mcpError(() => paged.listTools({ cursor: bad }))).code, -32602,
			     `tools/list cursor '${bad}'`);
	assert.equal((await mcpError(() => paged.listPrompts({ cursor: 'bogus' }))).code, -32602);
	assert.equal((await mcpError(() => paged.listResources({ cursor: 'bogus' }))).code, -32602);
	// The server is still fine after the errors.
	assert.equal((await paged.listTools()).tools.length, 2);
});

await check('every tool of skills/ has sample arguments here', async () => {
	const missing = expected.map((t) => t.name).filter((n) => !CALLS[n]);
	assert.deepEqual(missing, [], 'add sample arguments to CALLS in tests/mcp/tools.mjs');
});

// Output schemas are cached by listTools and checked by callTool.
await client.listTools();
for (const { name } of expected) {
	if (!CALLS[name])
		continue;
	await check(`tools/call ${name}`, async () => {
		const res = await client.callTool({ name, arguments: CALLS[name].args });
		const text = textOf(res);
		assert.notEqual(res.isError, true, `isError: ${text}`);
		assert.ok(text.length > 0, 'no text output');
		const tool = tools.find((t) => t.name === name);
		if (tool.outputSchema)
			assert.equal(typeof res.structuredContent, 'object', 'an output schema but no structuredContent');
		CALLS[name].ok(text, res);
	});
}

await check('tools/call list_skills and read_skill_file (builtins)', async () => {
	const res = await client.callTool({ name: 'list_skills', arguments: {} });
	assert.notEqual(res.isError, true);
	const doc = JSON.parse(textOf(res));
	assert.deepEqual(doc.skills.map((s) => s.name), skills.map((s) => s.name));
	assert.deepEqual(doc.skills.map((s) => s.tools), skills.map((s) => s.tools.map((t) => t.name)));

	const sk = skills[0].name;
	const file = await client.callTool({ name: 'read_skill_file', arguments: { skill: sk, path: 'SKILL.md' } });
	assert.notEqual(file.isError, true);
	assert.equal(textOf(file), readFileSync(join(ROOT, 'skills', sk, 'SKILL.md'), 'utf8'));

	const missing = await client.callTool({ name: 'read_skill_file', arguments: { skill: sk, path: 'nope.md' } });
	assert.equal(missing.isError, true);
	assert.match(textOf(missing), /SKILL\.md/, 'the error does not list the files there');
	const noSkill = await client.callTool({ name: 'read_skill_file', arguments: { skill: 'nope', path: 'SKILL.md' } });
	assert.equal(noSkill.isError, true);
	assert.match(textOf(noSkill), /nope/);
});

await check('unknown tool: JSON-RPC error -32602', async () => {
	const e = await mcpError(() => client.callTool({ name: 'no_such_tool', arguments: {} }));
	assert.equal(e.code, -32602);
	assert.match(e.message, /no_such_tool/);
	const near = expected[0].name.slice(0, -1);
	const e2 = await mcpError(() => client.callTool({ name: near, arguments: {} }));
	assert.equal(e2.code, -32602);
	assert.ok(e2.message.includes(expected[0].name), `no suggestion in '${e2.message}'`);
});

await check('invalid arguments: isError true, the parameter named', async () => {
	const cases = [
		[{ lines: 3 }, 'file'],                       // required one missing
		[{ file: SAMPLE_LOG, lines: 'many' }, 'lines'], // wrong type
		[{ file: SAMPLE_LOG, bogus_arg: 1 }, 'bogus_arg'], // not in the schema
	];
	for (const [args, param] of cases) {
		const res = await client.callTool({ name: 'log-search__tail_log', arguments: args });
		assert.equal(res.isError, true, `accepted ${JSON.stringify(args)}`);
		assert.ok(textOf(res).includes(param), `'${param}' not named in: ${textOf(res)}`);
	}
	// A builtin checks its arguments too.
	const res = await client.callTool({ name: 'read_skill_file', arguments: { skill: 'x' } });
	assert.equal(res.isError, true);
	assert.match(textOf(res), /path/);
});

await check('the server still answers after the errors', async () => {
	await client.ping();
	const res = await client.callTool({ name: 'json-tools__json_query', arguments: { file: SAMPLE_JSON, path: 'count' } });
	assert.equal(JSON.parse(textOf(res)), 3);
});

await done();
