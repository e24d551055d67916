#!/bin/sh
# The floor of a single-site apply: the least any installer must do to put KB936465's three
# SP3 files in place safely -- extract them with bsdtar, fsync them, rename them over the
# old ones, fsync the directory.  No signature, no versions, no hashes, no journal, no
# backup: what hotfix does beyond this is its overhead.  Usage: floor.sh SITE CAB
set -eu
site=$1 cab=$2
st=$site/.floor
mkdir "$st"
bsdtar -xf "$cab" -C "$st" SP3/i386/Basesvr.dll SP3/i386/Baseutil.dll SP3/i386/Distmgr.dll
sync "$st/SP3/i386/Basesvr.dll" "$st/SP3/i386/Baseutil.dll" "$st/SP3/i386/Distmgr.dll"
mv "$st/SP3/i386/Basesvr.dll" "$st/SP3/i386/Baseutil.dll" "$st/SP3/i386/Distmgr.dll" \
    "$site/bin/i386/"
sync "$site/bin/i386"
rm -r "$st"
