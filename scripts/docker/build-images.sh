#!/usr/bin/env bash
# Builds the stack's images locally from Debian packages, for machines that reach no image
# registry: a minimal bookworm base from debootstrap (same mirror apt uses), then one image per
# scripts/docker/images/<name>.image, each installing its Debian package and running like the
# upstream image the compose file pins (user, entrypoint, default command, wget for the
# compose health check). Each image is tagged vigil-local/<name>:bookworm and labelled with
# a hash of its inputs (spec, base image, package version, build steps); an image whose label
# matches is kept, so a warm cache rebuilds nothing.
#
# Needs a running engine (DOCKER_HOST; see engine.sh) and, for the base, root and debootstrap.
# Prints one line per image: built or reused, and how long it took.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${VIGIL_DOCKER_CACHE:-/var/cache/vigil-docker}"
suite=bookworm
base_tag="vigil-local/base:$suite"
base_packages=busybox,ca-certificates

# The first Debian mirror apt is configured with (deb822 .sources or one-line .list).
apt_mirror() {
  local uri
  uri="$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -1 || true)"
  [ -n "$uri" ] || uri="$(grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{print $2}' | grep -v security | head -1 || true)"
  echo "${uri:-http://deb.debian.org/debian}"
}

# apt sources for the images: the host's Debian ones (updates and security included).
apt_sources() {
  if compgen -G '/etc/apt/sources.list.d/debian.sources' >/dev/null; then
    cat /etc/apt/sources.list.d/debian.sources
  else
    grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null || true
  fi
}

label_of() { docker image inspect --format '{{ index .Config.Labels "vigil.inputs" }}' "$1" 2>/dev/null || true; }

hash_of() { sha256sum | cut -c1-32; }

build_base() {
  local mirror inputs started
  mirror="$(apt_mirror)"
  inputs="$( { echo "$suite $mirror $base_packages"; apt_sources; sed -n '/^build_base()/,/^}/p' "$0"; } | hash_of)"
  if [ "$(label_of "$base_tag")" = "$inputs" ]; then
    echo "images: $base_tag reused"
    return
  fi
  command -v debootstrap >/dev/null 2>&1 || { echo 'images: debootstrap not found; apt-get install -y debootstrap' >&2; exit 1; }
  started=$SECONDS
  local rootfs="$cache/rootfs-$suite"
  rm -rf "$rootfs"
  mkdir -p "$rootfs"
  debootstrap --variant=minbase --include="$base_packages" "$suite" "$rootfs" "$mirror" >"$cache/debootstrap.log" 2>&1 || {
    echo "images: debootstrap failed; last lines of $cache/debootstrap.log:" >&2
    tail -n 20 "$cache/debootstrap.log" >&2
    exit 1
  }
  apt_sources >"$rootfs/etc/apt/sources.list.d/debian.sources.tmp"
  if [ -s "$rootfs/etc/apt/sources.list.d/debian.sources.tmp" ]; then
    if grep -q '^Types:' "$rootfs/etc/apt/sources.list.d/debian.sources.tmp"; then
      mv "$rootfs/etc/apt/sources.list.d/debian.sources.tmp" "$rootfs/etc/apt/sources.list.d/debian.sources"
    else
      mv "$rootfs/etc/apt/sources.list.d/debian.sources.tmp" "$rootfs/etc/apt/sources.list"
    fi
    [ -f "$rootfs/etc/apt/sources.list.d/debian.sources" ] && rm -f "$rootfs/etc/apt/sources.list"
  fi
  # The compose health checks run `wget -q --spider`, busybox wget as in the upstream images.
  ln -sf /bin/busybox "$rootfs/usr/local/bin/wget"
  # Package scripts must not try to start services inside an image build.
  printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
  chmod 755 "$rootfs/usr/sbin/policy-rc.d"
  # Keep images small (vfs copies the whole image for each container): no docs, no apt lists.
  printf 'path-exclude /usr/share/doc/*\npath-exclude /usr/share/man/*\npath-exclude /usr/share/locale/*\npath-include /usr/share/locale/locale.alias\n' \
    >"$rootfs/etc/dpkg/dpkg.cfg.d/01-vigil-nodoc"
  rm -rf "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin
  tar -C "$rootfs" -c . | docker import \
    --change "LABEL vigil.inputs=$inputs" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/sh"]' - "$base_tag" >/dev/null
  rm -rf "$rootfs"
  echo "images: $base_tag built in $((SECONDS - started))s"
}

# The candidate version apt would install, so a Debian update rebuilds the image.
package_version() { apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}'; }

# One image from images/<name>.image (package, setup, user, workdir, expose, volume, entrypoint,
# cmd): the package installed in one container on the base, committed with the upstream image's
# runtime settings in one step. (A Dockerfile would commit one full copy per instruction: vfs
# has no copy-on-write.)
build_image() {
  local spec="$1" name tag package="" setup="" user="" workdir="" expose="" volume="" entrypoint="" cmd=""
  local version base_id inputs started container
  name="$(basename "$spec" .image)"
  tag="vigil-local/$name:$suite"
  # shellcheck source=/dev/null
  . "$spec"
  version="$(package_version "$package")"
  [ -n "$version" ] || { echo "images: apt knows no version of $package (run apt-get update)" >&2; exit 1; }
  base_id="$(docker image inspect --format '{{.Id}}' "$base_tag")"
  inputs="$( { cat "$spec"; echo "$base_id $package=$version"; sed -n '/^build_image()/,/^}/p' "$0"; } | hash_of)"
  if [ "$(label_of "$tag")" = "$inputs" ]; then
    echo "images: $tag reused ($package $version)"
    return
  fi
  started=$SECONDS
  local changes=(--change "LABEL vigil.inputs=$inputs" --change "USER $user" --change "ENTRYPOINT $entrypoint")
  [ -n "$workdir" ] && changes+=(--change "WORKDIR $workdir")
  [ -n "$expose" ] && changes+=(--change "EXPOSE $expose")
  [ -n "$volume" ] && changes+=(--change "VOLUME [\"$volume\"]")
  # An empty CMD clears the base's /bin/sh, as the upstream images without one.
  changes+=(--change "CMD ${cmd:-[]}")
  # The host network: with --iptables=false the bridge has no route out to the mirror.
  container="$(docker create --network host --user 0 --entrypoint /bin/sh "$base_tag" -ec "
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends '$package=$version' >/dev/null
    rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt /var/log/dpkg.log
    $setup")"
  if ! docker start -a "$container" >"$cache/build-$name.log" 2>&1; then
    echo "images: building $tag failed; last lines of $cache/build-$name.log:" >&2
    tail -n 30 "$cache/build-$name.log" >&2
    docker rm -f "$container" >/dev/null
    exit 1
  fi
  docker commit "${changes[@]}" "$container" "$tag" >/dev/null
  docker rm "$container" >/dev/null
  echo "images: $tag built in $((SECONDS - started))s ($package $version)"
}

docker version --format '{{.Server.Version}}' >/dev/null 2>&1 || {
  echo "images: no Docker engine answers at ${DOCKER_HOST:-the default socket}; start one with scripts/docker/engine.sh start" >&2
  exit 1
}
mkdir -p "$cache"
total_started=$SECONDS
build_base
for spec in "$here"/images/*.image; do
  build_image "$spec"
done
# Dangling layers from replaced images would otherwise fill the cache.
docker image prune -f >/dev/null
echo "images: done in $((SECONDS - total_started))s"
