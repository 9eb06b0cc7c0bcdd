#!/bin/bash
# Go.
echo
