#!/usr/bin/env bash
# Makes the Dockerfile's base images locally, since these machines reach no image registry:
# debootstrap (variant minbase) from the Debian mirror configured in /etc/apt, then `podman import`
# as docker.io/library/debian:bookworm and docker.io/library/debian:bookworm-slim, so the Dockerfile
# itself stays standard.
#
# The rootfs tarballs are cached in $NETIF_CONTAINER_CACHE (default
# /var/cache/netif_exporter/container, outside the repo) and rebuilt when older than
# $NETIF_BASE_MAX_AGE_DAYS (default 7) so security updates get in. A run with an empty cache works
# from nothing (debootstrap takes a minute or two).
#
# Usage: make_base_images.sh            (needs root, debootstrap, podman)
set -euo pipefail

cache="${NETIF_CONTAINER_CACHE:-/var/cache/netif_exporter/container}"
max_age_days="${NETIF_BASE_MAX_AGE_DAYS:-7}"
suite=bookworm
image_repo=docker.io/library/debian

die() { echo "make_base_images: $*" >&2; exit 1; }
for tool in debootstrap podman tar; do
  command -v "$tool" >/dev/null || die "$tool not found (scripts/install-deps.sh installs it)"
done
[[ $(id -u) -eq 0 ]] || die "needs root (debootstrap)"

# The first URI in /etc/apt that serves $suite itself (not -security), in either the one-line
# format (sources.list, *.list) or deb822 (*.sources).
find_mirror() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $f ]] || continue
    awk -v s="$suite" '$1 == "deb" {
        i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
        if ($(i + 1) == s) { print $i; exit }
      }' "$f"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] || continue
    # Paragraphs are separated by blank lines; take URIs of one whose Suites list $suite.
    awk -v s="$suite" 'BEGIN { RS = ""; FS = "\n" }
      {
        uris = ""; ok = 0; enabled = 1
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^URIs:/) { uris = $i; sub(/^URIs:[ \t]*/, "", uris) }
          if ($i ~ /^Suites:/) { n = split(substr($i, 8), a, /[ \t]+/); for (j = 1; j <= n; j++) if (a[j] == s) ok = 1 }
          if ($i ~ /^Enabled:[ \t]*no/) enabled = 0
        }
        if (ok && enabled && uris != "") { split(uris, u, /[ \t]+/); print u[1]; exit }
      }' "$f"
  done
}
# The -security URI, for the images' own apt sources (like Debian's official images).
find_security_mirror() {
  grep -rhoE 'https?://[^ ]*debian-security[^ ]*' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
    /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1 || true
}

mirror="$(find_mirror | head -n1)"
[[ -n $mirror ]] || die "no Debian mirror for '$suite' found in /etc/apt/sources.list{,.d/}"
security="$(find_security_mirror)"
mkdir -p "$cache"
full_tar="$cache/debian-$suite-minbase.tar"
slim_tar="$cache/debian-$suite-slim.tar"
stamp="$cache/debian-$suite.source"

# One run at a time per cache directory.
exec 9>"$cache/.lock"
flock 9

fresh() {
  [[ -s $full_tar && -s $slim_tar && -f $stamp ]] || return 1
  [[ "$(cat "$stamp")" == "$mirror $security" ]] || return 1
  [[ -z "$(find "$full_tar" -mtime "+$max_age_days" -print)" ]] || return 1
  tar -tf "$slim_tar" >/dev/null 2>&1 && tar -tf "$full_tar" >/dev/null 2>&1
}

if fresh; then
  echo "make_base_images: using cached rootfs tarballs in $cache" >&2
else
  echo "make_base_images: debootstrap --variant=minbase $suite from $mirror" >&2
  work="$(mktemp -d "$cache/rootfs.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  rootfs="$work/rootfs"
  keyring=()
  [[ -f /usr/share/keyrings/debian-archive-keyring.gpg ]] &&
    keyring=(--keyring=/usr/share/keyrings/debian-archive-keyring.gpg)
  debootstrap --variant=minbase "${keyring[@]}" "$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -n 30 "$work/debootstrap.log" >&2; die "debootstrap failed"; }

  # apt sources as in Debian's official images: deb822, the suite, its updates and security.
  rm -f "$rootfs/etc/apt/sources.list"
  {
    printf 'Types: deb\nURIs: %s\nSuites: %s %s-updates\nComponents: main\n' "$mirror" "$suite" "$suite"
    printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
    if [[ -n $security ]]; then
      printf '\nTypes: deb\nURIs: %s\nSuites: %s-security\nComponents: main\n' "$security" "$suite"
      printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
    fi
  } >"$rootfs/etc/apt/sources.list.d/debian.sources"
  # A container has no init to start services, and the image should be small and reproducible.
  printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
  chmod 0755 "$rootfs/usr/sbin/policy-rc.d"
  printf 'APT::Install-Recommends "false";\n' >"$rootfs/etc/apt/apt.conf.d/docker-no-recommends"
  printf 'Acquire::Languages "none";\n' >"$rootfs/etc/apt/apt.conf.d/docker-no-languages"
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
    "$rootfs"/var/log/* "$rootfs"/tmp/* 2>/dev/null || true
  : >"$rootfs/etc/machine-id"
  printf 'localhost\n' >"$rootfs/etc/hostname"
  tar --numeric-owner --xattrs -C "$rootfs" -cf "$work/full.tar" .

  # -slim, as Debian's: no documentation, manuals or translations, now or after apt-get install.
  rm -rf "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
    "$rootfs"/usr/share/locale/* "$rootfs"/usr/share/groff/* "$rootfs"/usr/share/lintian/* \
    "$rootfs"/usr/share/linda/* "$rootfs"/var/cache/man/*
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
EOF
  tar --numeric-owner --xattrs -C "$rootfs" -cf "$work/slim.tar" .
  mv "$work/full.tar" "$full_tar"
  mv "$work/slim.tar" "$slim_tar"
  printf '%s %s\n' "$mirror" "$security" >"$stamp"
  rm -rf "$work"
  trap - EXIT
fi

# (Re)import when the tag is missing or older than the tarball.
import() {
  local tar="$1" tag="$2" created
  created="$(podman image inspect --format '{{.Created.Unix}}' "$tag" 2>/dev/null || true)"
  if [[ -n $created && $created -ge $(stat -c %Y "$tar") ]]; then
    return 0
  fi
  podman import --quiet --change 'CMD ["bash"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "$tar" "$tag" >/dev/null
  echo "make_base_images: imported $tag" >&2
}
import "$full_tar" "$image_repo:$suite"
import "$slim_tar" "$image_repo:$suite-slim"
