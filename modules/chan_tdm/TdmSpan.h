// chan_tdm: one span of the engine (virtual or DAHDI) and the engine's lines on it. Owned
// and touched only by the TDM thread.
#pragma once

#include <memory>
#include <vector>

#include "TdmConfig.h"
#include "TdmEngine.h"
#include "spandsp_glue/VirtualSpan.h"
#ifdef HAVE_DAHDI_USER_H
#include "spandsp_glue/DahdiSpan.h"
#endif

namespace vce::tdm {

struct TdmEngine::Span {
    SpanConfig cfg;
    std::unique_ptr<dsp::VirtualSpan> virt;
#ifdef HAVE_DAHDI_USER_H
    std::unique_ptr<dsp::DahdiSpan> dahdi;
#endif
    std::vector<int> lines;  // engine line index per channel (0-based channel)
};

}  // namespace vce::tdm
