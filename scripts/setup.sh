#!/usr/bin/env bash
# Installs the Debian 12 packages rpdata builds and tests with. Idempotent: installs only
# what is missing, so it is cheap to call before every build.
set -euo pipefail
PKGS=(build-essential cmake pkg-config git python3 ca-certificates
      libcli11-dev libsimdjson-dev libzstd-dev zstd libcurl4-openssl-dev libfasttext-dev
      libspdlog-dev libfmt-dev libgtest-dev libarchive-dev libexpat1-dev libxxhash-dev
      libsentencepiece-dev libtomlplusplus-dev libssl-dev zlib1g-dev libicu-dev
      fasttext jq python3-botocore)  # CLI cross-checks in tests (fastText training, jq -c layout); botocore: the S3 test server verifies Signature V4
# StackExchange: the cross-check test's reference (bs4 + lxml) and the bench baseline (7z).
PKGS+=(python3-bs4 python3-lxml p7zip-full)
# Wikipedia: libbz2 reader; bzcat bench; the strip_code test reference.
PKGS+=(libbz2-dev bzip2 python3-mwparserfromhell)
# gzip inputs are inflated with ISA-L (igzip).
PKGS+=(libisal-dev)
# Tokenized datasets: the independent .bin/.idx reader of the tests.
PKGS+=(python3-numpy)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PKGS[@]} packages present"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo > /dev/null || { echo "setup: missing packages ${missing[*]}; run as root or install sudo" >&2; exit 1; }
  SUDO="sudo"
fi
echo "setup: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
