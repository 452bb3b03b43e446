#!/bin/sh
# Stories 3 and 4 of SCENARIOS.md: someone used to util-linux types what they always type.
#
# Each command below runs once with util-linux and once as `jns COMMAND`: what they print
# (stdout and stderr, where jns's messages say "jns unshare:" for "unshare:") and their exit
# status must be the same, or the script says how they differ and fails. Namespaces one
# tool persists are entered by the other. As any user the rootless commands run; as root
# also those that persist namespaces, name network namespaces or enter another process's.
#
#   JNS=./jns UTIL_LINUX=/usr/bin sh examples/util-linux.sh
set -u
jns=${JNS:-jns}
ul=${UTIL_LINUX:-/usr/bin}
status=0

# The arguments as a shell would take them back: quoted where they need it.
shown() {
    for arg; do
        case $arg in
            '' | *[!A-Za-z0-9_./=:,+-]*) printf " '%s'" "$arg" ;;
            *) printf ' %s' "$arg" ;;
        esac
    done
}

# same TOOL ARGS...: runs util-linux's TOOL and `jns TOOL` with ARGS; shows jns's output and
# util-linux's too where it differs.
same() {
    tool=$1
    shift
    want=$("$ul/$tool" "$@" 2>&1; echo "exit $?")
    got=$("$jns" "$tool" "$@" 2>&1; echo "exit $?")
    # util-linux names itself by the path it ran under in some messages, by its name in others.
    want=$(printf '%s\n' "$want" | sed -e "s|^$ul/$tool: |jns $tool: |" -e "s|^$tool: |jns $tool: |" \
        -e "s|Try '$tool --help'|Try 'jns $tool --help'|")
    echo "\$ jns $tool$(shown "$@")"
    printf '%s\n' "$got"
    if [ "$want" != "$got" ]; then
        echo "DIFFERS: util-linux's $tool printed"
        printf '%s\n' "$want"
        status=1
    fi
}

# Rootless: a user namespace where you are root, a pid namespace where the shell is PID 1.
same unshare -Urpf --mount-proc sh -c 'echo $$; id -u'
same unshare -Ur cat /proc/self/uid_map
same unshare -r /no/such/program
same unshare --no-such-option

if [ "$(id -u)" = 0 ]; then
    dir=$(mktemp -d)
    # A uts namespace persisted by util-linux, entered by jns, and the other way round.
    touch "$dir/by-util-linux" "$dir/by-jns"
    "$ul/unshare" --uts="$dir/by-util-linux" hostname build-7
    "$jns" unshare --uts="$dir/by-jns" hostname build-8
    same nsenter --uts="$dir/by-util-linux" hostname
    same nsenter --uts="$dir/by-jns" hostname
    umount "$dir/by-util-linux" "$dir/by-jns"
    rm -r "$dir"

    # Every namespace of a running process at once.
    "$ul/unshare" --uts --ipc --net sh -c 'hostname build-9; exec sleep 60' &
    pid=$!
    while [ "$("$ul/nsenter" -t "$pid" -u hostname 2>/dev/null)" != build-9 ]; do sleep 0.05; done
    same nsenter -t "$pid" -a hostname
    kill "$pid"
    wait "$pid" 2>/dev/null

    # A named network namespace: made by jns, listed by lsns and by ip netns, deleted by ip.
    name=build-$$
    "$jns" netns add "$name"
    same lsns -t net -n -o NS,NPROCS,NSFS -Q "NSFS == \"/run/netns/$name\""
    echo "\$ ip netns list"
    ip netns list | grep "^$name"
    ip netns delete "$name"
fi

# What counts against the limits on namespaces (util-linux has no such command).
echo "\$ jns limits"
"$jns" limits | grep -E '^(TYPE|net) '
exit $status
