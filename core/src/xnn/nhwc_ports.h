// The rewrite behind SessionOptions::port_layout = PortLayout::kNhwc.
#pragma once

#include "garden/graph.h"

namespace garden {
namespace xnn {

// Makes every 4-D NCHW graph input and output NHWC. Where the layout pass
// joined such a port to the NHWC interior with a single Transpose, the
// Transpose goes and its other side becomes the port; elsewhere a Transpose
// is added at the port, so the result holds for any graph. Ports keep their
// names and their order.
void expose_nhwc_ports(Graph& graph);

}  // namespace xnn
}  // namespace garden
