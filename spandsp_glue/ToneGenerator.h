// Plays one call-progress tone of a country's tone plan (SpanDSP tone_gen with cadence).
#pragma once

#include <cstddef>
#include <cstdint>

#include "spandsp_glue/SpanDspHandles.h"
#include "spandsp_glue/TonePlan.h"

namespace vce::dsp {

class ToneGenerator {
public:
    explicit ToneGenerator(const TonePlan &plan) : plan_(&plan) {}
    void start(Tone tone);
    void stop();
    Tone playing() const { return tone_; }
    // Writes n samples (silence once the tone has ended); returns false if nothing is playing.
    bool generate(int16_t *amp, std::size_t n);

private:
    const TonePlan *plan_;
    Tone tone_ = Tone::None;
    struct DescFree {
        void operator()(tone_gen_descriptor_t *d) const noexcept { tone_gen_descriptor_free(d); }
    };
    std::unique_ptr<tone_gen_descriptor_t, DescFree> desc_;
    ToneGenPtr gen_;
};

}  // namespace vce::dsp
