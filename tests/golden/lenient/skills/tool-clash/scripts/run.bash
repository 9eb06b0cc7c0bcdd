#!/bin/bash
# Run it, the bash way.
echo bash
