#!/usr/bin/env bash
# Print the plugin's variables as this script tool sees them: a script and
# the WASM tools of one plugin share its grant.
echo "PLUGIN_VAR=${PLUGIN_VAR-unset} PROBE_VAR=${PROBE_VAR-unset}"
