#!/usr/bin/env bash
# Die of SIGSEGV.
kill -SEGV $$
