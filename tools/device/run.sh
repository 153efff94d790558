#!/bin/bash
# The device run (from the repo root, after tools/device/kit.sh): the eval cases on the GPU through
# Dawn webgpu (bench/gpu.mjs), the eval suite on 1/2/4/16 CPU threads, the torch peer and the
# wasm MLP rows on one thread. Output in $OUT/log.txt, results in $OUT/res.tgz.
#   bash tools/device/run.sh     (carry .dev)
exec > >(tee -a $OUT/log.txt) 2>&1
cd "$(dirname "$0")/../.."; K=.dev
date -u; mkdir -p /tmp/res
for f in $K/gl/*.deb; do dpkg -x $f /; done; ldconfig
nvidia-smi -L; nproc; free -g | head -2
ls /usr/local/nvidia/share/vulkan/icd.d/ /usr/share/vulkan/icd.d /etc/vulkan/icd.d /usr/local/nvidia/lib64 2>&1 | head -40
command -v node && node --version
mkdir -p /tmp/n && tar xJf $K/node.tar.xz -C /tmp/n && export PATH=/tmp/n:$PATH
tar xJf $K/nm.tar.xz && tar xJf $K/dist.tar.xz && echo unpacked
export XDG_RUNTIME_DIR=/tmp LD_LIBRARY_PATH=/usr/local/nvidia/lib64:/usr/local/nvidia/lib:$LD_LIBRARY_PATH VK_LOADER_DEBUG=error
ICD=$(ls /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd*.json /etc/vulkan/icd.d/nvidia_icd*.json 2>/dev/null | head -1)
echo "ICD=$ICD"; [ -n "$ICD" ] && cat $ICD && export VK_DRIVER_FILES=$ICD VK_ICD_FILENAMES=$ICD
echo "== GPU webgpu"; date -u
timeout 230 node bench/gpu.mjs --backend webgpu --json /tmp/res/gpu-webgpu.json; echo "gpu rc $?"
echo "== CPU threads"; date -u
for t in 1 2 4 16; do timeout 70 node bin/kanpinn.js bench --suite eval --threads $t --only kan-G5-525,kan-G5-10k,kan-G5-100k,mlp-16x2-525,mlp-100x3-525 --save /tmp/res/cpu-t$t | grep -E "^\| (kan|mlp)"; done
echo "== torch peer, 1 thread"; date -u
OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 timeout 80 python3 bench/peers/torch_mlp.py --rounds 3 | tee /tmp/res/torch.jsonl
echo "== kanpinn wasm MLP, 1 thread"; date -u
KANPINN_THREADS=1 timeout 80 node bench/gpu.mjs --backend wasm --cases mlp-16x2-525,mlp-100x3-525,mlp-100x3-10k --json /tmp/res/wasm-mlp.json
date -u; tar czf $OUT/res.tgz -C /tmp/res .
