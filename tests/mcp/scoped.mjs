// scoped.mjs AGENT - `agent mcp --scoped` through the official MCP SDK
// client: only the builtins at first; activate_skill loads a skill's
// instructions, announces notifications/tools/list_changed and lists its
// tools; deactivate_skill takes them away again.
import { spawnSync } from 'node:child_process';
import {
	ToolListChangedNotificationSchema, agentArg, assert, check, connect, done, mcpError, textOf,
} from './lib.mjs';

const agent = agentArg();
const listed = spawnSync(agent, ['list', '--json'], { encoding: 'utf8' });
assert.equal(listed.status, 0, `${agent} list --json failed: ${listed.stderr}`);
const skills = JSON.parse(listed.stdout).skills;
const BUILTINS = ['list_skills', 'activate_skill', 'deactivate_skill', 'read_skill_file'];

const client = await connect(agent, ['--scoped']);
let changes = 0;
let changed = () => {};
client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
	changes++;
	changed();
});
const nextChange = () => new Promise((r) => {
	changed = r;
});
const names = async () => (await client.listTools()).tools.map((t) => t.name);

await check('--scoped: tools.listChanged, and only the builtins listed', async () => {
	assert.equal(client.getServerCapabilities().tools?.listChanged, true);
	assert.match(client.getInstructions() ?? '', /activate_skill/);
	assert.deepEqual(await names(), BUILTINS);
});

await check('--scoped: list_skills shows every skill, none active', async () => {
	const doc = JSON.parse(textOf(await client.callTool({ name: 'list_skills', arguments: {} })));
	assert.deepEqual(doc.skills.map((s) => s.name), skills.map((s) => s.name));
	assert.ok(doc.skills.every((s) => s.active === false));
});

const [sk, other] = skills;
const skTools = sk.tools.map((t) => t.name);

await check('--scoped: a tool of an inactive skill is refused (-32602)', async () => {
	const e = await mcpError(() => client.callTool({ name: skTools[0], arguments: {} }));
	assert.equal(e.code, -32602);
	assert.match(e.message, /activate_skill/);
});

await check(`activate_skill ${sk.name}: list_changed, then its tools are listed`, async () => {
	const before = changes;
	const note = nextChange();
	const res = await client.callTool({ name: 'activate_skill', arguments: { name: sk.name } });
	assert.notEqual(res.isError, true, textOf(res));
	for (const t of skTools)
		assert.ok(textOf(res).includes(t), `the reply does not name ${t}`);
	await note;
	assert.equal(changes, before + 1);
	assert.deepEqual(await names(), [...BUILTINS, ...skTools]);
	// Only that skill's tools: another skill's stay hidden.
	if (other)
		assert.ok(!(await names()).includes(other.tools[0].name));
	const doc = JSON.parse(textOf(await client.callTool({ name: 'list_skills', arguments: {} })));
	assert.equal(doc.skills.find((s) => s.name === sk.name).active, true);
});

await check('activating an active skill again: no list_changed', async () => {
	const before = changes;
	const res = await client.callTool({ name: 'activate_skill', arguments: { name: sk.name } });
	assert.notEqual(res.isError, true);
	await client.ping();
	assert.equal(changes, before);
});

await check('activate_skill of an unknown skill: isError with a suggestion', async () => {
	const res = await client.callTool({ name: 'activate_skill', arguments: { name: sk.name + 'x' } });
	assert.equal(res.isError, true);
	assert.ok(textOf(res).includes(sk.name), textOf(res));
	const noArg = await client.callTool({ name: 'activate_skill', arguments: {} });
	assert.equal(noArg.isError, true);
	assert.match(textOf(noArg), /name/);
});

await check(`deactivate_skill ${sk.name}: list_changed, its tools gone`, async () => {
	const note = nextChange();
	const res = await client.callTool({ name: 'deactivate_skill', arguments: { name: sk.name } });
	assert.notEqual(res.isError, true, textOf(res));
	await note;
	assert.deepEqual(await names(), BUILTINS);
	const e = await mcpError(() => client.callTool({ name: skTools[0], arguments: {} }));
	assert.equal(e.code, -32602);
});

await check('without --scoped: activate_skill is not a tool', async () => {
	const plain = await connect(agent);
	assert.notEqual(plain.getServerCapabilities().tools?.listChanged, true);
	const all = (await plain.listTools()).tools.map((t) => t.name);
	assert.ok(!all.includes('activate_skill') && !all.includes('deactivate_skill'));
	const e = await mcpError(() => plain.callTool({ name: 'activate_skill', arguments: { name: sk.name } }));
	assert.equal(e.code, -32602);
});

await done();
