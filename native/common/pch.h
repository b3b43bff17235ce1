// Precompiled by CMake (target_precompile_headers); node-gyp simply includes it per file.
#pragma once
#include <napi.h>
#include <torch/torch.h>
