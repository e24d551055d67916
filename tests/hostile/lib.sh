# tests/hostile/lib.sh: helpers for the hostile-input suite (sourced after tests/lib.sh).
# Each case runs hotfix against a fresh copy of a victim site that already carries an
# installed hotfix (so .hotfix/ holds a registry and backups), and asserts the exit code,
# the message, and that every byte of the site -- .hotfix/ included, except the lock and
# the log, where the refusal is recorded -- is as before, with nothing left behind.
. tests/lib.sh
export HOTFIX_TRUST=$TRUST
CASES=0

# fullsnap DIR: every path under DIR (but .hotfix/lock and the records of what was
# tried: .hotfix/log, .hotfix/txlog, .hotfix/receipts): type, mode, owner, links, size,
# the mtime of each non-directory, and each file's SHA-256.
fullsnap() {
    (cd "$1" && find . \( -path ./.hotfix/log -o -path ./.hotfix/lock -o -path ./.hotfix/txlog -o -path ./.hotfix/receipts \) -prune -o \
        ! -type d -printf '%p %y %m %U:%G %n %s %T@ %l\n' | sort &&
        find . \( -path ./.hotfix/log -o -path ./.hotfix/lock -o -path ./.hotfix/txlog -o -path ./.hotfix/receipts \) -prune -o -type d \
            -printf '%p %m %U:%G\n' | sort &&
        find . \( -path ./.hotfix/log -o -path ./.hotfix/lock -o -path ./.hotfix/txlog -o -path ./.hotfix/receipts \) -prune -o -type f -print0 |
        sort -z | xargs -0 -r sha256sum)
}

# victim DIR: a service-pack-3 site with bin/t.dll (1.0.0.0) and bin/u.dll, on which
# hotfix PRE1 (u.dll 1.0.0.0 -> 1.0.0.1) is installed.  Made once, copied per case.
mkdll "$T/old.dll" 1.0.0.0 8192
mkdll "$T/new.dll" 1.0.0.1 8192
victim() {
    if [ ! -d "$T/victim0" ]; then
        sitexml "$T/victim0" HOS central - 3
        mkdir -p "$T/victim0/bin" "$T/pre"
        cp "$T/old.dll" "$T/victim0/bin/t.dll"
        cp "$T/old.dll" "$T/victim0/bin/u.dll"
        mkdir -p "$T/pre/SP3"; cp "$T/new.dll" "$T/pre/SP3/u.dll"
        tar -cf "$T/pre/pre.tar" -C "$T/pre" SP3
        onefile "$T/pre/pre.xml" PRE1 pre.tar bin/u.dll SP3/u.dll "$T/new.dll"
        "$BIN" apply "$T/pre/pre.xml" --site "$T/victim0" -q || fail "victim: PRE1 not applied"
    fi
    rm -rf "$1"
    cp -a "$T/victim0" "$1"
}

# same_site RC MESSAGE WHAT -- ARGS...: run hotfix ARGS against the site $SITE (a fresh
# victim unless the caller prepared it); exit RC, stderr matching MESSAGE (grep -e; "-"
# when the report, not stderr, says it), and the site byte-identical afterwards.
same_site() {
    rc=$1 msg=$2 what=$3
    shift 4
    snap=$(fullsnap "$SITE")
    hf "$@"
    expect_rc "$rc"
    [ "$msg" = - ] || expect_err "$msg"
    now=$(fullsnap "$SITE")
    if [ "$now" != "$snap" ]; then
        echo "$snap" > "$T/snap.before"
        fail "$what: the site changed: $(echo "$now" | diff "$T/snap.before" - | head -n 20)"
    fi
}

# refused RC MESSAGE WHAT -- ARGS...: as same_site, and no transaction residue either.
refused() {
    same_site "$@"
    no_residue "$SITE"
    CASES=$((CASES + 1))
    echo "ok: $what"
}

# kept RC MESSAGE WHAT -- ARGS...: as same_site; a journal may be left (a FIFO in the way).
kept() {
    same_site "$@"
    CASES=$((CASES + 1))
    echo "ok: $what"
}

# mark_command: $T/bin/mark PHASE FILE appends PHASE to FILE -- a site's command whose
# every run the tests can count.
mark_command() {
    mkdir -p "$T/bin"
    printf '#!/bin/sh\necho "$1" >> "$2"\n' > "$T/bin/mark"
    chmod 755 "$T/bin/mark"
}
