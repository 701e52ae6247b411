// The order a page is read in, as PaddleOCR sorts detected lines: by the top
// of each box, then by its left; a box whose top lies within a few pixels of
// the previous one's and starts left of it comes first (the same line).
#pragma once

#include <cstddef>
#include <vector>

#include "line_crop.h"

namespace garden {
namespace text {

// Indices of `boxes` in reading order; `same_line_pixels` is PaddleOCR's 10.
std::vector<size_t> reading_order(const std::vector<Quad>& boxes, float same_line_pixels = 10.f);

}  // namespace text
}  // namespace garden
