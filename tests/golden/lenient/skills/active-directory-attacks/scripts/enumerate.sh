#!/bin/bash
# Enumerate the users of the domain in $AD_DOMAIN.
echo "users of ${AD_DOMAIN:-none}"
