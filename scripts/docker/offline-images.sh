#!/usr/bin/env bash
# Makes the two base images the platform's Dockerfiles start from, under their official names,
# on a machine whose Docker engine cannot pull them from a registry:
#
#   debian:bookworm-slim   from `debootstrap --variant=minbase bookworm` (Debian's package
#                          mirror must be reachable), trimmed as the official slim image is
#   swift:6.3.1-bookworm   that base, the build dependencies of the official Swift image, and
#                          this machine's Swift toolchain (the directory above `swift`'s bin/)
#
# An image that is already present, or that `docker pull` fetches, is left alone: on a machine
# with internet access this script does nothing but pull. Run it as root (debootstrap needs it).
#
# Two things of the machine travel into the images it makes, so that builds inside them work
# as they do on the machine itself:
#   - the certificate authorities in /usr/local/share/ca-certificates (trusted by the images'
#     ca-certificates once installed), for machines whose HTTPS goes through an inspecting proxy;
#   - a git mirror of GitHub, when the machine's git configuration rewrites https://github.com/
#     to one (`url.<mirror>.insteadOf`): the Swift image gets a copy of the mirror and the same
#     rewrite, so `swift package resolve` inside it reads the packages from the copy.
#
# Settings: PENGUINS_DEBIAN_MIRROR (http://deb.debian.org/debian), PENGUINS_SWIFT_TOOLCHAIN
# (default: found from `swift` on the PATH).
set -euo pipefail

DEBIAN_IMAGE=debian:bookworm-slim
SWIFT_IMAGE=swift:6.3.1-bookworm
DEBIAN_MIRROR=${PENGUINS_DEBIAN_MIRROR:-http://deb.debian.org/debian}
LOCAL_CAS=/usr/local/share/ca-certificates

say() { echo "offline-images: $*" >&2; }
fail() { say "$*"; exit 1; }

command -v docker >/dev/null || fail "docker is missing: install docker.io"
docker info >/dev/null 2>&1 || fail "no Docker engine answers: start dockerd"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Present locally, or pulled within a minute.
available() {
  docker image inspect "$1" >/dev/null 2>&1 && { say "$1 is present"; return 0; }
  if timeout 60 docker pull -q "$1" >/dev/null 2>&1; then
    say "$1 pulled"
    return 0
  fi
  return 1
}

# The machine's local certificate authorities, copied into a build context folder.
copy_local_cas() {
  mkdir -p "$1"
  if [ -d "$LOCAL_CAS" ]; then
    find "$LOCAL_CAS" -maxdepth 1 -name '*.crt' -exec cp {} "$1/" \;
  fi
}

make_debian() {
  command -v debootstrap >/dev/null || fail "debootstrap is missing: apt-get install debootstrap"
  [ "$(id -u)" -eq 0 ] || fail "debootstrap needs root: run this script as root"
  local root=$work/rootfs
  say "building $DEBIAN_IMAGE with debootstrap from $DEBIAN_MIRROR (about a minute)"
  debootstrap --variant=minbase bookworm "$root" "$DEBIAN_MIRROR" >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; fail "debootstrap failed"; }

  # As the official slim image: no documentation, manual pages or translations, now or later.
  cat >"$root/etc/dpkg/dpkg.cfg.d/docker-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/lintian/*
EOF
  cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
Acquire::GzipIndexes "true";
EOF
  cat >"$root/etc/apt/sources.list" <<EOF
deb $DEBIAN_MIRROR bookworm main
deb $DEBIAN_MIRROR bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
EOF
  find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/lintian/*
  find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/*
  rm -rf "$root"/var/log/* "$root"/tmp/*
  copy_local_cas "$root$LOCAL_CAS"

  tar --numeric-owner -C "$root" -c . \
    | docker import --change 'CMD ["bash"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        - "$DEBIAN_IMAGE" >/dev/null
  rm -rf "$root"
  say "$DEBIAN_IMAGE built ($(docker image inspect -f '{{.Size}}' "$DEBIAN_IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"
}

# The directory that holds the toolchain's usr/ (the official image installs it under /).
toolchain_root() {
  if [ -n "${PENGUINS_SWIFT_TOOLCHAIN:-}" ]; then echo "$PENGUINS_SWIFT_TOOLCHAIN"; return; fi
  local swift
  swift=$(command -v swift) || fail "swift is not on the PATH: set PENGUINS_SWIFT_TOOLCHAIN"
  swift=$(readlink -f "$swift")
  (cd "$(dirname "$swift")/../.." && pwd)
}

# The local git mirror that https://github.com/ is rewritten to, if any.
github_mirror() {
  git config --get-regexp '^url\..*\.insteadof$' 2>/dev/null \
    | awk '$2 == "https://github.com/" { sub(/^url\./, "", $1); sub(/\.insteadof$/, "", $1); print $1; exit }'
}

make_swift() {
  local toolchain mirror ctx=$work/swift
  toolchain=$(toolchain_root)
  [ -x "$toolchain/usr/bin/swift" ] || fail "no Swift toolchain at $toolchain (usr/bin/swift)"
  mirror=$(github_mirror)
  mkdir -p "$ctx"
  copy_local_cas "$ctx/cas"

  # The official image's build dependencies (swift-docker's 6.x bookworm Dockerfile) and the
  # toolchain under /usr.
  cat >"$ctx/Dockerfile" <<'EOF'
FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      binutils ca-certificates git gnupg2 libc6-dev libcurl4-openssl-dev libedit2 libgcc-12-dev \
      libncurses-dev libpython3-dev libsqlite3-0 libstdc++-12-dev libxml2-dev libz3-dev \
      pkg-config tzdata unzip zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
COPY cas/ /usr/local/share/ca-certificates/
RUN update-ca-certificates >/dev/null
COPY toolchain/usr/ /usr/
COPY mirror/ /opt/github-mirror/
ARG MIRRORED=""
RUN if [ -n "$MIRRORED" ]; then git config --system url./opt/github-mirror/.insteadOf https://github.com/; fi \
 && swift --version
EOF
  mkdir -p "$ctx/toolchain" "$ctx/mirror"
  # The toolchain (about 3 GB) and the mirror go into the context as hard links when they can,
  # copies otherwise.
  cp -al "$toolchain/usr" "$ctx/toolchain/usr" 2>/dev/null || cp -a "$toolchain/usr" "$ctx/toolchain/usr"
  local mirrored=""
  if [ -n "$mirror" ] && [ -d "$mirror" ]; then
    say "the Swift image resolves https://github.com/ from a copy of $mirror"
    cp -al "$mirror/." "$ctx/mirror/" 2>/dev/null || cp -a "$mirror/." "$ctx/mirror/"
    mirrored=1
  fi
  say "building $SWIFT_IMAGE from $DEBIAN_IMAGE and the toolchain in $toolchain (a few minutes)"
  docker build -q --build-arg MIRRORED="$mirrored" -t "$SWIFT_IMAGE" "$ctx" >/dev/null
  rm -rf "$ctx"
  say "$SWIFT_IMAGE built: $(docker run --rm "$SWIFT_IMAGE" swift --version 2>/dev/null | head -1)"
}

available "$DEBIAN_IMAGE" || make_debian
available "$SWIFT_IMAGE" || make_swift
