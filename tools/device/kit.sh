#!/bin/bash
# Builds .dev/ (git-ignored), what a bare GPU machine without network needs to run kanpinn's benchmarks:
#   node.tar.xz   this machine's node binary (Node 20)
#   nm.tar.xz     the production node_modules plus @tensorflow/tfjs-backend-webgpu and Dawn's
#                 `webgpu` package (linux-x64 only), maps and duplicate tfjs bundles removed
#   dist.tar.xz   the built library and CLI (npm run build first)
#   gl/*.deb      Debian's Vulkan loader (libvulkan1) for Dawn, and libglvnd/X11 libraries: the machine
#                 brings NVIDIA's ICD, whose libGLX_nvidia.so.0 loads only with libGLdispatch (libglvnd0)
#                 and libX11/libXext present (without them: "vkCreateInstance: Found no drivers")
# About 36 MB. Run from the repo root: bash tools/device/kit.sh; then the device command is
# `bash tools/device/run.sh` with `.dev` carried.
set -euo pipefail
root=$(pwd)
kit=$root/.dev
work=$(mktemp -d)
mkdir -p "$kit/gl"
cp package.json package-lock.json "$work/"
(cd "$work" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund >/dev/null)
mkdir -p "$work/extra" && echo '{"name":"extra","version":"1.0.0","private":true}' > "$work/extra/package.json"
(cd "$work/extra" && npm install --ignore-scripts --no-audit --no-fund webgpu@0.6.2 @tensorflow/tfjs-backend-webgpu@4.22.0 >/dev/null)
for p in webgpu @webgpu debug ms @tensorflow/tfjs-backend-webgpu; do
  rm -rf "$work/node_modules/$p"; cp -r "$work/extra/node_modules/$p" "$work/node_modules/$p"
done
find "$work/node_modules/webgpu/dist" -mindepth 1 -maxdepth 1 ! -name linux-x64 -exec rm -rf {} +
find "$work/node_modules" -name '*.map' -delete
find "$work/node_modules/@tensorflow" -path '*/dist/*' \( -name '*.min.js' -o -name '*.es2017.js' -o -name '*.fesm.js' -o -name '*.esm.js' \) -delete
tar cf - -C "$work" node_modules | xz -T0 -6 > "$kit/nm.tar.xz"
tar cf - -C "$(dirname "$(readlink -f "$(command -v node)")")" node | xz -T0 -6 > "$kit/node.tar.xz"
tar cf - dist | xz -T0 -3 > "$kit/dist.tar.xz"
o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
mkdir -p /tmp/amd64/partial && apt-get $o update -q >/dev/null && (cd "$kit/gl" && apt-get $o download libvulkan1 libglvnd0 libglx0 libgl1 libegl1 libopengl0 libgles2 \
  libx11-6 libx11-data libxext6 libxcb1 libxau6 libxdmcp6 libbsd0 libmd0 >/dev/null 2>&1)
rm -rf "$work"
du -sh "$kit"
