// runtime.mjs E2E_AGENT - tool runs through the official MCP SDK client,
// on the fixture agent (tests/e2e/skills, the probe skill): failures,
// progress, cancellation, concurrency, logging and structured output.
import {
	LoggingMessageNotificationSchema, agentArg, assert, check, connect, disconnect, done, mcpError, textOf,
	until,
} from './lib.mjs';

const agent = agentArg();
const client = await connect(agent);
const tools = (await client.listTools()).tools;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

await check('probe__echo_json: arguments arrive typed', async () => {
	const res = await client.callTool({
		name: 'probe__echo_json',
		arguments: { text: 'hé', times: 2, loud: true, words: ['a', 'b'], kind: 'b' },
	});
	assert.notEqual(res.isError, true, textOf(res));
	assert.deepEqual(JSON.parse(textOf(res)),
			 { text: 'HÉHÉ', scale: null, words: ['a', 'b'], kind: 'b', types: ['int'] });
});

await check('a failing tool: isError, its stdout and stderr in the text', async () => {
	const res = await client.callTool({ name: 'probe__fail', arguments: {} });
	assert.equal(res.isError, true);
	const text = textOf(res);
	assert.match(text, /partial output/);
	assert.match(text, /something went wrong/);
	assert.match(text, /3/, 'the exit status is not given');
});

await check('a crashing tool: isError naming the signal', async () => {
	const res = await client.callTool({ name: 'probe__segv', arguments: {} });
	assert.equal(res.isError, true);
	assert.match(textOf(res), /SEGV|segmentation|signal 11/i);
});

await check('a tool past its timeout: isError after about a second', async () => {
	const t0 = Date.now();
	const res = await client.callTool({ name: 'probe__sleepy', arguments: {} });
	const ms = Date.now() - t0;
	assert.equal(res.isError, true);
	assert.match(textOf(res), /time/i);
	// Not before its 1 s timeout, and not held by the grandchild sleeping 100 s
	// (30 s: far above the time it takes on a busy machine).
	assert.ok(ms >= 900 && ms < 30000, `took ${ms} ms`);
});

await check('a flood of output is capped, not fatal', async () => {
	const res = await client.callTool({ name: 'probe__flood', arguments: {} });
	const text = textOf(res);
	assert.ok(text.length < 1024 * 1024, `${text.length} bytes came back`);
	assert.match(text, /truncated/);
});

await check('progress: notifications while the tool runs', async () => {
	const seen = [];
	const res = await client.callTool({ name: 'probe__sleepy', arguments: {} }, undefined, {
		onprogress: (p) => seen.push(p),
	});
	assert.equal(res.isError, true);
	assert.ok(seen.length >= 1, 'no progress notification');
	for (let i = 1; i < seen.length; i++)
		assert.ok(seen[i].progress > seen[i - 1].progress, 'progress does not increase');
	assert.equal(typeof seen[0].progress, 'number');
	// The token is the one the SDK put in the request.
	const req = client.sent.findLast((m) => m.method === 'tools/call');
	const token = req.params._meta.progressToken;
	const notes = client.received.filter((m) => m.method === 'notifications/progress');
	assert.ok(notes.length >= 1 && notes.every((n) => n.params.progressToken === token));
});

await check('cancellation: the call rejects, no reply comes, the server goes on', async () => {
	const ac = new AbortController();
	let started = false;
	// Its first progress notification says the tool is running.
	const call = client.callTool({ name: 'probe__sleepy', arguments: {} }, undefined,
				     { signal: ac.signal, onprogress: () => { started = true; } });
	await until(() => started);
	const req = client.sent.findLast((m) => m.method === 'tools/call');
	ac.abort('test cancels');
	// Rejected by the abort itself, not by a reply or a timeout.
	await assert.rejects(call, (e) => /test cancels/.test(e.message));
	const note = client.sent.findLast((m) => m.method === 'notifications/cancelled');
	assert.equal(note?.params.requestId, req.id);
	// Past the tool's own timeout: had it not been killed, a reply would come.
	await sleep(1500);
	assert.ok(!client.received.some((m) => m.id === req.id && !m.method),
		  'a reply was sent for the cancelled request');
	const res = await client.callTool({ name: 'probe__echo_json', arguments: { text: 'after' } });
	assert.equal(JSON.parse(textOf(res)).text, 'after');
});

await check('cancellation of a queued call (--jobs 1)', async () => {
	const one = await connect(agent, ['--jobs', '1']);
	const ac = new AbortController();
	const first = one.callTool({ name: 'probe__sleepy', arguments: {} });
	const queued = one.callTool({ name: 'probe__echo_json', arguments: { text: 'q' } }, undefined,
				    { signal: ac.signal });
	// Cancelled as soon as it is sent, well within the sleeper's 1 s.
	await until(() => one.sent.filter((m) => m.method === 'tools/call').length === 2);
	const req = one.sent.findLast((m) => m.method === 'tools/call');
	ac.abort();
	await assert.rejects(queued);
	assert.equal((await first).isError, true);
	const res = await one.callTool({ name: 'probe__echo_json', arguments: { text: 'next' } });
	assert.equal(JSON.parse(textOf(res)).text, 'next');
	assert.ok(!one.received.some((m) => m.id === req.id && !m.method), 'the queued call was answered');
});

for (const jobs of [[], ['--jobs', '3']]) {
	await check(`concurrency: 20 calls at once ${jobs.join(' ') || '(default jobs)'}`, async () => {
		const c = jobs.length ? await connect(agent, jobs) : client;
		const args = Array.from({ length: 20 }, (_, i) => ({ text: `call-${i}-`, times: (i % 3) + 1 }));
		const results = await Promise.all(args.map((a) => c.callTool({ name: 'probe__echo_json', arguments: a })));
		results.forEach((res, i) => {
			assert.notEqual(res.isError, true, textOf(res));
			assert.equal(JSON.parse(textOf(res)).text, args[i].text.repeat(args[i].times), `call ${i}`);
		});
	});
}

await check('logging: setLevel debug, then notifications/message for a call', async () => {
	const logs = [];
	client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logs.push(n.params));
	await client.setLoggingLevel('debug');
	await client.callTool({ name: 'probe__echo_json', arguments: { text: 'log' } });
	await client.callTool({ name: 'probe__fail', arguments: {} });
	await client.ping(); // notifications before this reply have been handled
	assert.ok(logs.length >= 1, 'no notifications/message');
	for (const l of logs) {
		assert.ok(['debug', 'info', 'notice', 'warning', 'error'].includes(l.level), l.level);
		assert.ok(l.data !== undefined);
	}
	assert.ok(logs.some((l) => l.level === 'debug'), 'no debug message');
	assert.ok(logs.some((l) => l.level === 'warning' && /probe__fail|fail/.test(JSON.stringify(l))),
		  'no warning for the failed call');
	// Raised to error: a successful call logs nothing.
	await client.setLoggingLevel('error');
	const before = logs.length;
	await client.callTool({ name: 'probe__echo_json', arguments: { text: 'quiet' } });
	await client.ping();
	assert.equal(logs.length, before, 'logged below the level set');
	const e = await mcpError(() => client.setLoggingLevel('loud'));
	assert.equal(e.code, -32602);
});

await check('structured output: probe__structured --mode ok', async () => {
	const tool = tools.find((t) => t.name === 'probe__structured');
	assert.ok(tool, 'the fixture has no probe__structured tool');
	assert.equal(tool.outputSchema?.type, 'object', 'probe__structured has no output schema');
	const res = await client.callTool({ name: 'probe__structured', arguments: { mode: 'ok' } });
	assert.notEqual(res.isError, true, textOf(res));
	assert.equal(typeof res.structuredContent, 'object');
	// The text block carries the same JSON, for clients that ignore structuredContent.
	assert.deepEqual(res.structuredContent, JSON.parse(res.content[0].text));
});

for (const mode of ['text', 'wrong']) {
	await check(`structured output: --mode ${mode} is isError, and the SDK does not throw`, async () => {
		const res = await client.callTool({ name: 'probe__structured', arguments: { mode } });
		assert.equal(res.isError, true, `not an error: ${textOf(res)}`);
		assert.equal(res.structuredContent, undefined);
		assert.match(textOf(res), /schema|JSON/);
	});
}

await check('the server still answers', async () => {
	await client.ping();
});

await check('EOF with a call in flight: the server exits at once', async () => {
	const c = await connect(agent);
	let started = false;
	const call = c.callTool({ name: 'probe__sleepy', arguments: {} }, undefined,
				{ onprogress: () => { started = true; } }).catch((e) => e);
	await until(() => started);
	// Stdin closed here rather than by close(), which would SIGTERM a server
	// still running 2 s later: the exit must come from the EOF alone.
	const proc = c.serverProcess();
	const exit = new Promise((r) => proc.once('exit', (code, signal) => r({ code, signal })));
	proc.stdin.end();
	assert.deepEqual(await exit, { code: 0, signal: null });
	// Not answered: a server that waited for the tool would have sent its
	// timeout result before exiting.
	const res = await call;
	assert.ok(res instanceof Error, `the call was answered: ${JSON.stringify(res)}`);
	await disconnect(c);
});

await done();
