// Plays one call-progress tone of a country's tone plan (SpanDSP tone_gen with cadence).
#include "spandsp_glue/ToneGenerator.h"

#include <algorithm>

namespace vce::dsp {

void ToneGenerator::start(Tone tone) {
    stop();
    if (tone == Tone::None) return;
    const ToneSpec &s = plan_->spec(tone);
    // A continuous tone is one long "on" period repeated.
    const int on1 = s.continuous() ? 1000 : s.on1;
    desc_.reset(tone_gen_descriptor_init(nullptr, s.f1, s.level, s.f2 ? s.f2 : 0,
                                         s.f2 ? s.level : 0, on1, s.off1, s.on2, s.off2, 1));
    if (!desc_) return;
    gen_.reset(tone_gen_init(nullptr, desc_.get()));
    if (gen_) tone_ = tone;
}

void ToneGenerator::stop() {
    gen_.reset();
    desc_.reset();
    tone_ = Tone::None;
}

bool ToneGenerator::generate(int16_t *amp, std::size_t n) {
    if (!gen_) return false;
    const int got = tone_gen(gen_.get(), amp, static_cast<int>(n));
    std::fill(amp + std::max(got, 0), amp + n, int16_t{0});
    return true;
}

}  // namespace vce::dsp
