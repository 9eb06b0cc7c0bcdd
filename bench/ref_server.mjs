// ref_server.mjs - the reference MCP server for `make bench` (bench/mcp.c):
// the official TypeScript SDK's McpServer over StdioServerTransport with
// three trivial tools, echo, add and now. It is what `agent mcp` is compared
// against, so it does nothing beyond what the SDK's own examples do.
//
//   node bench/ref_server.mjs        (MCP_SDK_DIR: the folder holding node_modules)
import { load } from '../tests/mcp/sdk.mjs';

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
