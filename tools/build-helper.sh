#!/usr/bin/env bash
# Builds the native helper (called by Maven in generate-resources):
#   tools/build-helper.sh SOURCE_DIR TARGET_DIR CLASSES_DIR
# All the *.c files in SOURCE_DIR make one program (one gcc call; helper.h is the map).
# It goes to TARGET_DIR/jns-helper (found by ./jns and the tests) and into the jar's
# resources. On a fresh clone neither directory exists yet, so both are made here.
set -euo pipefail
src=$1 target=$2 classes=$3
mkdir -p "$target" "$classes/dev/jns/helper"
gcc -std=gnu11 -Wall -Wextra -Werror -O2 -static -o "$target/jns-helper" "$src"/*.c
install -m 755 "$target/jns-helper" "$classes/dev/jns/helper/jns-helper"
