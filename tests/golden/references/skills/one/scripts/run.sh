#!/bin/bash
# Run.
echo
