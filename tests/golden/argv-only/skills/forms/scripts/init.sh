#!/bin/bash
# Create a project.
if [ -z "$1" ]; then
  echo "❌ Usage: ./init.sh <project-name>"
  exit 1
fi
PROJECT_NAME="$1"
echo "project <$PROJECT_NAME>"
