// content.mjs AGENT [SKILLS_DIR [--want-binary]] - prompts (one per skill)
// and resources (every skill file as skill://<skill>/<path>) through the
// official MCP SDK client. SKILLS_DIR is the folder the agent was baked from
// (default skills/), to compare against the sources; --want-binary: some
// file there is binary and must come back as a base64 blob.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { ROOT, agentArg, assert, check, connect, done, mcpError } from './lib.mjs';

const agent = agentArg();
const skillsDir = resolve(process.argv[3] ?? join(ROOT, 'skills'));
const listed = spawnSync(agent, ['list', '--json'], { encoding: 'utf8' });
assert.equal(listed.status, 0, `${agent} list --json failed: ${listed.stderr}`);
const skills = JSON.parse(listed.stdout).skills;
const wantBinary = process.argv[4] === '--want-binary';

// Every file of a skill folder, relative to it.
function filesUnder(dir) {
	return readdirSync(dir, { recursive: true, withFileTypes: true })
		.filter((e) => e.isFile())
		.map((e) => relative(dir, join(e.parentPath ?? e.path, e.name)))
		.sort();
}

// The SKILL.md body: what follows the frontmatter's closing '---' line.
function body(skill) {
	const md = readFileSync(join(skillsDir, skill, 'SKILL.md'), 'utf8');
	const m = /^---\r?\n[\s\S]*?\r?\n---\r?\n/.exec(md);
	return m ? md.slice(m[0].length) : md;
}

// What resources/read must return for bytes: text when they read as text.
function looksText(buf) {
	if (buf.includes(0))
		return false;
	try {
		new TextDecoder('utf-8', { fatal: true }).decode(buf);
		return true;
	} catch {
		return false;
	}
}

const client = await connect(agent);

await check('prompts/list: one prompt per skill', async () => {
	const { prompts, nextCursor } = await client.listPrompts();
	assert.equal(nextCursor, undefined);
	assert.deepEqual(prompts.map((p) => p.name), skills.map((s) => s.name));
	for (const p of prompts) {
		assert.equal(p.description, skills.find((s) => s.name === p.name).description);
		assert.deepEqual(p.arguments ?? [], []);
	}
});

await check('prompts/get returns the SKILL.md body as a user message', async () => {
	for (const s of skills) {
		const res = await client.getPrompt({ name: s.name });
		assert.equal(res.description, s.description);
		assert.equal(res.messages.length, 1);
		const [msg] = res.messages;
		assert.equal(msg.role, 'user');
		assert.equal(msg.content.type, 'text');
		assert.ok(msg.content.text.trim().length > 0, `${s.name}: empty prompt`);
		assert.equal(msg.content.text.trim(), body(s.name).trim(), `${s.name}: not the SKILL.md body`);
	}
});

await check('prompts/get of an unknown prompt: -32602', async () => {
	const e = await mcpError(() => client.getPrompt({ name: 'no-such-skill' }));
	assert.equal(e.code, -32602);
	assert.match(e.message, /no-such-skill/);
});

let resources;
await check('resources/list: every skill file as skill://<skill>/<path>', async () => {
	const res = await client.listResources();
	assert.equal(res.nextCursor, undefined);
	resources = res.resources;
	assert.ok(resources.length >= skills.length, 'fewer resources than skills');
	for (const s of skills)
		assert.ok(resources.some((r) => r.uri === `skill://${s.name}/SKILL.md`),
			  `no skill://${s.name}/SKILL.md`);
	for (const r of resources) {
		const m = /^skill:\/\/([^/]+)\/(.+)$/.exec(r.uri);
		assert.ok(m, `bad uri ${r.uri}`);
		assert.ok(skills.some((s) => s.name === m[1]), `${r.uri}: not a skill of the agent`);
		assert.equal(typeof r.name, 'string');
		assert.equal(typeof r.mimeType, 'string', `${r.uri}: no mimeType`);
		const src = join(skillsDir, m[1], decodeURIComponent(m[2]));
		assert.ok(existsSync(src), `${r.uri}: no such file in ${skillsDir}`);
		if (r.size !== undefined)
			assert.equal(r.size, readFileSync(src).length, `${r.uri}: size`);
	}
	const uris = resources.map((r) => r.uri);
	assert.equal(new Set(uris).size, uris.length, 'a resource is listed twice');
	// And the other way: every source file is listed, but a plugin's WASM
	// modules, which are compiled into the agent rather than embedded.
	for (const s of skills)
		for (const f of filesUnder(join(skillsDir, s.name)).filter((f) => !f.endsWith('.wasm')))
			assert.ok(resources.some((r) => r.uri === `skill://${s.name}/${f}` ||
					    decodeURIComponent(r.uri) === `skill://${s.name}/${f}`),
				  `${s.name}/${f} is not listed as a resource`);
});

await check('resources/read: every file, text or base64 blob, byte for byte', async () => {
	let texts = 0, blobs = 0;
	for (const r of resources) {
		const m = /^skill:\/\/([^/]+)\/(.+)$/.exec(r.uri);
		const want = readFileSync(join(skillsDir, m[1], decodeURIComponent(m[2])));
		const { contents } = await client.readResource({ uri: r.uri });
		assert.equal(contents.length, 1);
		const [c] = contents;
		assert.equal(c.uri, r.uri);
		assert.equal(c.mimeType, r.mimeType);
		if (looksText(want)) {
			assert.equal(typeof c.text, 'string', `${r.uri}: text expected`);
			assert.ok(Buffer.from(c.text, 'utf8').equals(want), `${r.uri}: text differs`);
			texts++;
		} else {
			assert.equal(typeof c.blob, 'string', `${r.uri}: blob expected`);
			assert.ok(Buffer.from(c.blob, 'base64').equals(want), `${r.uri}: blob differs`);
			blobs++;
		}
	}
	console.log(`# read ${texts} text and ${blobs} binary resources`);
	assert.ok(texts > 0);
	if (wantBinary)
		assert.ok(blobs > 0, 'no binary resource came back as a blob');
});

await check('resources/read: mime types of known kinds', async () => {
	const md = resources.find((r) => r.uri.endsWith('/SKILL.md'));
	assert.equal(md.mimeType, 'text/markdown');
	for (const [ext, type] of [['.json', 'application/json'], ['.py', 'text/x-python'],
				   ['.sh', 'text/x-shellscript'], ['.png', 'image/png']]) {
		const r = resources.find((x) => x.uri.endsWith(ext));
		if (r)
			assert.equal(r.mimeType, type, r.uri);
	}
});

await check('resources/read of an unknown resource: an error naming it', async () => {
	for (const uri of [`skill://${skills[0].name}/no/such/file.md`, 'skill://nope/SKILL.md',
			   'file:///etc/passwd', `skill://${skills[0].name}/%zz`,
			   `skill://${skills[0].name}/../${skills[0].name}/SKILL.md`]) {
		const e = await mcpError(() => client.readResource({ uri }));
		// -32002 is the handshake style's "resource not found".
		assert.ok(e.code === -32002 || e.code === -32602, `${uri}: code ${e.code}`);
	}
});

await check('resources/templates/list: skill://{skill}/{+path}', async () => {
	const { resourceTemplates } = await client.listResourceTemplates();
	assert.equal(resourceTemplates.length, 1);
	assert.equal(resourceTemplates[0].uriTemplate, 'skill://{skill}/{+path}');
	assert.equal(typeof resourceTemplates[0].name, 'string');
	// The template expanded for a listed file reads that file.
	const uri = resourceTemplates[0].uriTemplate.replace('{skill}', skills[0].name).replace('{+path}', 'SKILL.md');
	const { contents } = await client.readResource({ uri });
	assert.equal(contents[0].uri, uri);
});

await done();
