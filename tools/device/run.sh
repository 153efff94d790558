#!/bin/bash
# The device run (from the repo root, after tools/device/kit.sh): the eval cases on the GPU through
# Dawn webgpu (bench/gpu.mjs, the most telling cases first), then the torch peer and kanpinn's wasm
# cases on one CPU thread of the same machine. Output in $OUT/log.txt, results in $OUT/r/*.json.
#   bash tools/device/run.sh     (carry .dev; about 4 minutes on an H200 host)
exec > >(tee -a $OUT/log.txt) 2>&1
cd "$(dirname "$0")/../.."; K=.dev
date -u; mkdir -p $OUT/r
for f in $K/gl/*.deb; do dpkg -x $f /; done; ldconfig
nvidia-smi -L; nproc
mkdir -p /tmp/n && tar xJf $K/node.tar.xz -C /tmp/n && export PATH=/tmp/n:$PATH
tar xJf $K/nm.tar.xz && tar xJf $K/dist.tar.xz && echo unpacked
export XDG_RUNTIME_DIR=/tmp LD_LIBRARY_PATH=/usr/local/nvidia/lib64:/usr/local/nvidia/lib:$LD_LIBRARY_PATH
ICD=$(ls /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd*.json /etc/vulkan/icd.d/nvidia_icd*.json 2>/dev/null | head -1)
echo "ICD=$ICD"; [ -n "$ICD" ] && export VK_DRIVER_FILES=$ICD VK_ICD_FILENAMES=$ICD
echo "== GPU webgpu"; date -u
timeout 300 node bench/gpu.mjs --backend webgpu --json $OUT/r/gpu-webgpu.json \
  --cases kan-G5-525,mlp-16x2-525,kan-G5-10k,mlp-100x3-525,mlp-100x3-10k,kan-G5-100k,mlp-100x3-100k,kan-G20-525,kan-G5-1M,mlp-16x2-1M,kan-G100-525
echo "gpu rc $?"
echo "== torch peer, 1 thread"; date -u
OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 timeout 50 python3 bench/peers/torch_mlp.py --rounds 2 | tee $OUT/r/torch.jsonl
echo "== kanpinn wasm, 1 thread"; date -u
KANPINN_THREADS=1 timeout 50 node bench/gpu.mjs --backend wasm --cases kan-G5-525,mlp-16x2-525,mlp-100x3-525,mlp-100x3-10k --json $OUT/r/wasm-1t.json
date -u
