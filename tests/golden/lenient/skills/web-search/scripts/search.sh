#!/bin/sh
# Search the web for the query in $QUERY.
echo "results for ${QUERY:-nothing}"
