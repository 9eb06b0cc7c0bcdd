// callback.mjs AGENT - a Skillz protocol tool (tests/callback/skills)
// driven by the official SDK client: its log and progress arrive as
// notifications, and its elicitation and sampling requests reach the
// client's handlers and their answers reach the tool.
import {
	CreateMessageRequestSchema, ElicitRequestSchema, LoggingMessageNotificationSchema,
	agentArg, assert, check, connect, done, textOf,
} from './lib.mjs';

const agent = agentArg();
const TALK = 'callback-probe__talk';

const client = await connect(agent, [], { capabilities: { elicitation: {}, sampling: {} } });
const asked = [];
client.setRequestHandler(ElicitRequestSchema, (req) => {
	asked.push(req.params.message);
	return { action: 'accept', content: { x: 'from the sdk' } };
});
client.setRequestHandler(CreateMessageRequestSchema, (req) => {
	asked.push(req.params.messages[0].content.text);
	return { role: 'assistant', content: { type: 'text', text: 'sampled by the sdk' },
		 model: 'test-model', stopReason: 'endTurn' };
});
const logs = [];
client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logs.push(n.params));
await client.setLoggingLevel('info');

await check('log and progress become notifications', async () => {
	const progress = [];
	const res = await client.callTool({ name: TALK, arguments: { mode: 'basic', text: 'sdk' } },
					  undefined, { onprogress: (p) => progress.push(p) });
	assert.ok(!res.isError, textOf(res));
	const out = JSON.parse(textOf(res));
	assert.equal(out.text, 'sdk');
	assert.deepEqual(out.caps, { sampling: true, elicitation: true, memory: true, resources: true });
	assert.ok(logs.some((l) => l.level === 'warning' && l.data.message === 'half way'),
		  JSON.stringify(logs));
	assert.deepEqual(progress.filter((p) => p.total).map((p) => [p.progress, p.total, p.message]),
			 [[1, 2, 'one'], [2, 2, 'two']]);
});

await check('elicitation and sampling reach the client and come back', async () => {
	const res = await client.callTool({ name: TALK, arguments: { mode: 'both' } });
	assert.ok(!res.isError, textOf(res));
	const out = JSON.parse(textOf(res));
	assert.deepEqual(out.a.result, { action: 'accept', content: { x: 'from the sdk' } });
	assert.equal(out.b.result?.content?.text, 'sampled by the sdk', JSON.stringify(out.b));
	assert.deepEqual(asked, ['First?', 'second']);
});

await check('a nested tools/call', async () => {
	const res = await client.callTool({ name: TALK, arguments: { mode: 'call', text: 'nested' } });
	assert.equal(JSON.parse(textOf(res)).result.output.upper, 'NESTED');
});

await check('a broken tool is an error result, and the server serves on', async () => {
	const bad = await client.callTool({ name: TALK, arguments: { mode: 'garbage' } });
	assert.ok(bad.isError);
	assert.match(textOf(bad), /broke the skillz protocol/);
	const ok = await client.callTool({ name: TALK, arguments: { mode: 'string' } });
	assert.equal(textOf(ok), 'plain text result');
});

await done();
