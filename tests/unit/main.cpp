// CppUnit runner for vce's unit tests: prints one "PASS: name" or "FAIL: name"
// line per test (the project-wide format that tests/run-all counts).
#include <cppunit/Exception.h>
#include <cppunit/SourceLine.h>
#include <cppunit/Test.h>
#include <cppunit/TestFailure.h>
#include <cppunit/TestListener.h>
#include <cppunit/TestResult.h>
#include <cppunit/TestRunner.h>
#include <cppunit/extensions/TestFactoryRegistry.h>

#include <cstdio>
#include <cstring>
#include <string>

namespace {

class LineListener : public CppUnit::TestListener {
public:
    void startTest(CppUnit::Test *) override { failed_ = false; }
    void addFailure(const CppUnit::TestFailure &f) override {
        failed_ = true;
        const CppUnit::Exception *e = f.thrownException();
        const CppUnit::SourceLine line = f.sourceLine();
        std::printf("  %s:%d: %s\n", line.fileName().c_str(), line.lineNumber(),
                    e ? e->message().details().c_str() : "");
        if (e) std::printf("  %s\n", e->what());
    }
    void endTest(CppUnit::Test *t) override {
        std::printf("%s: %s\n", failed_ ? "FAIL" : "PASS", t->getName().c_str());
        std::fflush(stdout);
        if (failed_)
            ++failures_;
        else
            ++passes_;
    }
    int passes_ = 0, failures_ = 0;

private:
    bool failed_ = false;
};

}  // namespace

// Usage: unit-tests [TEST-NAME-PREFIX]   (e.g. unit-tests NumberPlanTest)
int main(int argc, char **argv) {
    CppUnit::TestResult result;
    LineListener listener;
    result.addListener(&listener);
    CppUnit::TestRunner runner;
    CppUnit::Test *all = CppUnit::TestFactoryRegistry::getRegistry().makeTest();
    runner.addTest(all);  // the runner owns every test from here on
    if (argc > 1) {
        // Run each top-level suite whose name starts with the prefix, by its test path.
        for (int i = 0; i < all->getChildTestCount(); ++i) {
            CppUnit::Test *t = all->getChildTestAt(i);
            if (std::strncmp(t->getName().c_str(), argv[1], std::strlen(argv[1])) == 0)
                runner.run(result, all->getName() + "/" + t->getName());
        }
    } else {
        runner.run(result);
    }
    std::printf("%d passed, %d failed\n", listener.passes_, listener.failures_);
    return listener.failures_ == 0 ? 0 : 1;
}
