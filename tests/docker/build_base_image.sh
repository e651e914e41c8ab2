#!/usr/bin/env bash
# Builds, without any registry, local stand-ins for the official Deno base
# images that envs/*/Dockerfile start FROM, tagged with the official names:
# - denoland/deno:debian-<version>: Debian bookworm (debootstrap minbase, docs
#   and caches pruned) plus the deno binary this checkout uses (build stages);
# - denoland/deno:distroless-<version>: only deno, the glibc libraries it
#   links, /etc/passwd and /tmp (run stages: about 100 MB, no shell).
# Both come from `docker import`. Idempotent: does nothing when both tags
# exist (FORCE=1 rebuilds).
#
# Usage: tests/docker/build_base_image.sh
set -euo pipefail
deno_bin=${DENO_BIN:-$(command -v deno)} || { echo "base image: deno is not on PATH (or set DENO_BIN)" >&2; exit 1; }
deno_bin=$(readlink -f "$deno_bin")
version=$("$deno_bin" --version | head -1 | awk '{print $2}')
image=denoland/deno:debian-$version
# One build at a time: test files calling this may run in parallel.
exec 8>/tmp/openenv-base-image.lock
flock 8
distroless=denoland/deno:distroless-$version

if [ "${FORCE:-0}" != 1 ] && docker image inspect "$image" >/dev/null 2>&1 &&
  docker image inspect "$distroless" >/dev/null 2>&1; then
  echo "base image: $image and $distroless already exist"
  exit 0
fi
command -v debootstrap >/dev/null ||
  { echo "base image: debootstrap is not installed; run: apt-get install -y debootstrap" >&2; exit 1; }

cache=${OPENENV_ROOTFS_CACHE:-/tmp/openenv-bookworm-minbase}
if [ ! -x "$cache/bin/sh" ]; then
  echo "base image: debootstrap --variant=minbase bookworm (about a minute)"
  rm -rf "$cache.partial"
  debootstrap --variant=minbase bookworm "$cache.partial" http://deb.debian.org/debian >/tmp/openenv-debootstrap.log 2>&1 ||
    { tail -20 /tmp/openenv-debootstrap.log >&2; echo "base image: debootstrap failed" >&2; exit 1; }
  mv "$cache.partial" "$cache"
fi

rootfs=$(mktemp -d /tmp/openenv-rootfs.XXXXXX)
slim=$(mktemp -d /tmp/openenv-rootfs-slim.XXXXXX)
trap 'rm -rf "$rootfs" "$slim"' EXIT
chmod 0755 "$rootfs" "$slim" # mktemp makes 0700 directories; "/" must be traversable
cp -a "$cache/." "$rootfs/"
# Prune what a container never needs (documentation, locales, package caches).
rm -rf "$rootfs"/usr/share/{doc,man,info,locale,lintian} "$rootfs"/var/cache/apt/* \
  "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/* "$rootfs"/tmp/*
install -m 0755 "$deno_bin" "$rootfs/usr/bin/deno"
# The official image runs as user "deno" (uid 1993) with DENO_DIR=/deno-dir.
echo 'deno:x:1993:1993::/home/deno:/bin/sh' >>"$rootfs/etc/passwd"
echo 'deno:x:1993:' >>"$rootfs/etc/group"
mkdir -p "$rootfs/home/deno" "$rootfs/deno-dir"
chown 1993:1993 "$rootfs/home/deno" "$rootfs/deno-dir"

tar -C "$rootfs" -c . | docker import \
  --change 'ENV DENO_DIR=/deno-dir/' \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENTRYPOINT ["/usr/bin/deno"]' \
  --change 'CMD ["--version"]' \
  - "$image" >/dev/null
echo "base image: built $image ($(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%d MB", $1/1e6}'))"

# The distroless variant: deno and exactly the libraries it links.
mkdir -p "$slim"/{etc,tmp,home/deno,deno-dir,usr/bin,lib64,lib/x86_64-linux-gnu}
chmod 1777 "$slim/tmp"
install -m 0755 "$deno_bin" "$slim/usr/bin/deno"
for lib in $(ldd "$deno_bin" | grep -o '/[^ ]*\.so[^ ]*'); do
  cp -L "$cache$lib" "$slim$lib" 2>/dev/null || cp -L "$lib" "$slim$lib"
done
printf 'root:x:0:0:root:/root:/sbin/nologin\ndeno:x:1993:1993::/home/deno:/sbin/nologin\n' >"$slim/etc/passwd"
printf 'root:x:0:\ndeno:x:1993:\n' >"$slim/etc/group"
chown 1993:1993 "$slim/home/deno" "$slim/deno-dir"
tar -C "$slim" -c . | docker import \
  --change 'ENV DENO_DIR=/deno-dir/' \
  --change 'USER deno' \
  --change 'ENTRYPOINT ["/usr/bin/deno"]' \
  --change 'CMD ["--version"]' \
  - "$distroless" >/dev/null
echo "base image: built $distroless ($(docker image inspect -f '{{.Size}}' "$distroless" | awk '{printf "%d MB", $1/1e6}'))"
