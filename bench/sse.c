/*
 * sse - throughput of the event-stream parser on a streamed LLM reply.
 *
 * About 64 MiB of OpenAI-style chunks (one `data:` line per token, with an
 * Anthropic-style `event:` + `data:` pair now and then) are built in memory
 * and fed in 16 KiB reads, as they would come off a socket; the best of five
 * passes is printed.
 */
#include "sse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
	STREAM_BYTES = 64 << 20,
	READ_BYTES = 16 << 10,
	PASSES = 5
};

static int count_event(void *ud, const struct sse_event *ev)
{
	size_t *n = ud;
	/* Touch the data as a real consumer would. */
	*n += 1 + (ev->data_len && ev->data[0] == '\x01');
	return 0;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(void)
{
	static const char *const words[] = {"the ", "model ", "streams ", "tokens ", "quickly ",
					    "and ", "a ", "parser ", "keeps ", "up, ",
					    "\\\"quoted\\\" ", "newline\\n "};
	char *buf = malloc((size_t)STREAM_BYTES + 1024);
	if (!buf) {
		fprintf(stderr, "bench-sse: out of memory\n");
		return 1;
	}
	size_t len = 0, want = 0;
	unsigned seed = 1;
	while (len < STREAM_BYTES) {
		seed = seed * 1103515245u + 12345u;
		const char *w = words[(seed >> 16) % (sizeof words / sizeof words[0])];
		int n;
		if ((seed >> 8) % 16 == 0)
			n = snprintf(buf + len, 1024,
				     "event: content_block_delta\r\n"
				     "data: {\"type\":\"content_block_delta\",\"index\":0,"
				     "\"delta\":{\"type\":\"text_delta\",\"text\":\"%s\"}}\r\n\r\n",
				     w);
		else
			n = snprintf(buf + len, 1024,
				     "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\","
				     "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"%s\"}}]}\n\n",
				     w);
		len += (size_t)n;
		want++;
	}

	double best = 0;
	size_t events = 0;
	for (int pass = 0; pass < PASSES; pass++) {
		struct sse s;
		events = 0;
		sse_init(&s, count_event, &events);
		double t0 = now();
		for (size_t off = 0; off < len; off += READ_BYTES) {
			size_t n = len - off < READ_BYTES ? len - off : READ_BYTES;
			if (sse_feed(&s, buf + off, n)) {
				fprintf(stderr, "bench-sse: the parser stopped\n");
				return 1;
			}
		}
		double dt = now() - t0;
		sse_release(&s);
		double mbs = (double)len / 1e6 / dt;
		if (mbs > best)
			best = mbs;
	}
	free(buf);
	if (events != want) {
		fprintf(stderr, "bench-sse: %zu events parsed, %zu written\n", events, want);
		return 1;
	}
	printf("sse parser: %.1f MB/s (%zu events, best of %d) (target >= 200 MB/s)\n", best,
	       events, PASSES);
	return 0;
}
