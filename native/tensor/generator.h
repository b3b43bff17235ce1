// Seeded random generators owned by JS (src/tensor/Generator.ts): a data seed separate from the model
// seed. Each wraps a LibTorch CPU generator (mt19937); random tensors are drawn on the CPU and moved,
// so a seed gives the same numbers on every device.
#pragma once
#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include "common/object_table.h"

namespace wn {

struct GeneratorObj {
  at::Generator gen;
};

ObjectTable<GeneratorObj>& generators();

/// The generator behind a JS id (ERR_DISPOSED when freed).
at::Generator& generator_arg(int32_t id);

/// A fresh 64-bit key drawn from the generator (advances its state); augmentations derive their
/// counter-based streams from it (native/cuda/counter_rng.h).
uint64_t draw_key(at::Generator& gen);

}  // namespace wn
