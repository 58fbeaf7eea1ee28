#!/bin/sh
# readme-session.sh README: print the shell session of README's "## The
# shell" section (its first ```console block), which the test image carries
# as /etc/readme-session.txt for user/tests/readme_session.c.
awk '/^## The shell/ { sec = 1; next }
     /^## / { sec = 0 }
     sec && /^```console$/ { on = 1; next }
     on && /^```$/ { exit }
     on { print }' "$1"
