// lib.mjs - what the `agent mcp` tests share: the SDK loaded from where
// the Makefile installed it, a client connected to an agent, and checks
// that print one line each and stop the script at the first failure.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { SDK_DIR, load, packageJson } from './sdk.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

// The SDK is installed by `make test` into $(BUILD)/npm (MCP_SDK_DIR) and
// imported through sdk.mjs.
const SDK = '@modelcontextprotocol/sdk';
try {
	packageJson(SDK);
} catch (e) {
	console.log(`FAIL cannot load ${SDK} from ${SDK_DIR} ` +
		`(set MCP_SDK_DIR to the folder holding node_modules): ${e.message}`);
	process.exit(2);
}
const sdk = (sub) => load(SDK, sub);

export const SDK_VERSION = packageJson(SDK).version;
export const { Client } = await sdk('./client/index.js');
export const { StdioClientTransport } = await sdk('./client/stdio.js');
export const {
	McpError, ErrorCode, LATEST_PROTOCOL_VERSION,
	LoggingMessageNotificationSchema, ToolListChangedNotificationSchema,
	ProgressNotificationSchema, ElicitRequestSchema, CreateMessageRequestSchema,
} = await sdk('./types.js');

// ---- checks ----

const clients = [];
const temps = [];
let count = 0;
let current = '(setup)';

async function cleanup() {
	for (const c of clients.splice(0))
		await c.close().catch(() => {});
	for (const d of temps.splice(0))
		rmSync(d, { recursive: true, force: true });
}

function die(msg) {
	console.log(`FAIL ${msg}`);
	cleanup().finally(() => process.exit(1));
}

// A hang anywhere would otherwise be seen only as the runner's timeout. Far
// above a passing script's time on a busy machine (about a minute).
const WATCHDOG_S = Number(process.env.MCP_TEST_TIMEOUT || 300);
// The SDK gives up on a request after 60 s by default; 20 tool calls at once
// on two busy cores come close. Only the watchdog bounds a hang.
const REQUEST_TIMEOUT_MS = (WATCHDOG_S - 10) * 1000;
setTimeout(() => die(`${current}: still running after ${WATCHDOG_S} s`), WATCHDOG_S * 1000).unref();
process.on('unhandledRejection', (e) => die(`${current}: unhandled rejection: ${e?.stack ?? e}`));

export async function check(name, fn) {
	current = name;
	try {
		await fn();
	} catch (e) {
		die(`${name}: ${e?.stack ?? e}`);
		await new Promise(() => {}); // die() exits
	}
	console.log(`ok ${++count} - ${name}`);
}

export async function done() {
	current = '(closing the clients)';
	try {
		await cleanup();
	} catch (e) {
		die(`${current}: ${e?.stack ?? e}`);
		await new Promise(() => {});
	}
	console.log(`# ${count} checks passed`);
	process.exit(0);
}

// The agent to test: the script's first argument.
export function agentArg() {
	const a = process.argv[2];
	if (!a) {
		console.log(`usage: node ${process.argv[1]} AGENT`);
		process.exit(2);
	}
	return resolve(a);
}

export function tempDir(prefix = 'mcp-test-') {
	const d = mkdtempSync(join(tmpdir(), prefix));
	temps.push(d);
	return d;
}

// ---- the client ----

// The environment given to the server, explicitly: a cache of its own so
// runs never share extracted scripts, and the sanitizers' options through.
function serverEnv(cache) {
	const env = { PATH: process.env.PATH, HOME: process.env.HOME || cache, XDG_CACHE_HOME: cache };
	for (const k of ['ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LSAN_OPTIONS'])
		if (process.env[k] !== undefined)
			env[k] = process.env[k];
	return env;
}

/*
 * Start `command ...args` (by default `agent mcp`) and connect the SDK
 * client to it: initialize and notifications/initialized. The server's
 * stderr is passed through, and closing fails when it shows a sanitizer
 * report.
 */
export async function connect(agent, extra = [], opts = {}) {
	const cache = tempDir('mcp-cache-');
	const transport = new StdioClientTransport({
		command: agent,
		args: opts.args ?? ['mcp', ...extra],
		env: serverEnv(cache),
		stderr: 'pipe',
	});
	// The raw traffic, both ways, for checks the SDK's API cannot see
	// (the negotiated version, a reply that should never come).
	const sent = [], received = [];
	let handler;
	Object.defineProperty(transport, 'onmessage', {
		configurable: true,
		get: () => handler && ((msg, extra) => {
			received.push(msg);
			return handler(msg, extra);
		}),
		set: (h) => {
			handler = h;
		},
	});
	const send = transport.send.bind(transport);
	transport.send = (msg, o) => {
		sent.push(msg);
		return send(msg, o);
	};
	let stderr = '';
	transport.stderr.on('data', (b) => {
		stderr += b;
		process.stderr.write(b);
	});
	// Everything the server wrote to stderr, up to its exit (a sanitizer
	// report comes last), rather than what arrived within some delay.
	const stderrEnd = new Promise((r) => transport.stderr.once('end', r));
	const client = new Client({ name: 'skillc-tests', version: '1.0.0' },
				  { capabilities: opts.capabilities ?? {} });
	const request = client.request.bind(client);
	client.request = (req, schema, o) => request(req, schema, { timeout: REQUEST_TIMEOUT_MS, ...o });
	await client.connect(transport);
	const close = client.close.bind(client);
	client.close = async () => {
		await close();
		await stderrEnd;
		assert.doesNotMatch(stderr, /AddressSanitizer|LeakSanitizer|runtime error:/,
				    'the server reported a sanitizer error');
	};
	// The server's process, for a check that ends its stdin itself.
	const child = transport._process;
	client.serverProcess = () => child;
	client.serverStderr = () => stderr;
	client.sent = sent;
	client.received = received;
	clients.push(client);
	return client;
}

// Resolves once cond() holds: waits for an event (polled), not for a guessed
// delay. Only the watchdog bounds it.
export async function until(cond) {
	while (!cond())
		await new Promise((r) => setTimeout(r, 10));
}

export async function disconnect(client) {
	const i = clients.indexOf(client);
	if (i >= 0)
		clients.splice(i, 1);
	await client.close();
}

// Every tool, following nextCursor; fails on a cursor seen twice.
export async function allTools(client) {
	const tools = [];
	const seen = new Set();
	let cursor;
	do {
		const page = await client.listTools(cursor === undefined ? {} : { cursor });
		tools.push(...page.tools);
		cursor = page.nextCursor;
		assert.ok(cursor === undefined || !seen.has(cursor), `cursor '${cursor}' repeats`);
		seen.add(cursor);
	} while (cursor !== undefined);
	return tools;
}

// The text of a result's text content blocks, joined.
export function textOf(result) {
	assert.ok(Array.isArray(result.content), 'result has no content array');
	return result.content.filter((c) => c.type === 'text').map((c) => c.text).join('\n');
}

// Run fn and return the McpError it throws.
export async function mcpError(fn) {
	try {
		await fn();
	} catch (e) {
		assert.ok(e instanceof McpError, `expected an McpError, got ${e?.stack ?? e}`);
		return e;
	}
	assert.fail('expected an McpError, but the request succeeded');
}

export { assert };
