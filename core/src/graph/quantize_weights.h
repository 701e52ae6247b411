// Weights a model's file stored in int8 already (Graph::info.int8_weights,
// set by the TFLite importer), kept in int8 after the import's passes.
#pragma once

#include "garden/model.h"

namespace garden {

// Stores the weights ModelInfo::int8_weights names as per-channel int8 where
// XNNPACK has an int8 kernel for their layer (convolutions with groups 1,
// fully connected layers), so a quantized model runs in int8 as published;
// the others stay float (dequantized by the import). Clears the list.
// Returns the number of layers now in int8.
int run_published_int8(Model& model);

}  // namespace garden
