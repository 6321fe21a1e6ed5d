#!/usr/bin/env bash
# CI: the Debian packages the accessibility checks and the rendering checks need.
#   chromium                  headless browser that runs axe-core (via playwright, no browser download)
#   poppler-utils             pdftoppm: renders the PDF to PNG pages (scripts/check_renderings.sh)
#   libreoffice-writer-nogui  converts the Word file to PDF headless (scripts/check_renderings.sh)
#   fonts-dejavu-core, fonts-liberation2  fonts for chromium and LibreOffice
# Run as root (or with sudo). Measured on Debian 12: about 2-3 minutes with a warm mirror.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  chromium poppler-utils libreoffice-writer-nogui fonts-dejavu-core fonts-liberation2 >/dev/null
