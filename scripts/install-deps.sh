#!/bin/sh
# Installs the Debian 12 packages crmine builds, tests and runs with.
set -eu
packages="build-essential cmake pkg-config libopenmpi-dev openmpi-bin
  libhdf5-openmpi-dev hdf5-tools libcriterion-dev libinih-dev libcsv-dev
  libcjson-dev python3"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $packages
