// Unit tests for module ordering and the loader: requirements, priority, declines passed
// on to dependents, ABI mismatch, unload in reverse order, reload.
#include <cppunit/extensions/HelperMacros.h>
#include <event2/event.h>

#include "core/CoreHost.h"
#include "core/ModuleLoader.h"
#include "core/ModuleOrder.h"

using namespace vce;

class ModuleLoaderTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ModuleLoaderTest);
    CPPUNIT_TEST(order_requirements_then_priority);
    CPPUNIT_TEST(order_missing_requirement_refused_transitively);
    CPPUNIT_TEST(order_cycle_refused);
    CPPUNIT_TEST(order_optional_does_not_block);
    CPPUNIT_TEST(load_order_and_reverse_unload);
    CPPUNIT_TEST(decline_passed_to_dependents);
    CPPUNIT_TEST(required_module_failure_is_fatal);
    CPPUNIT_TEST(abi_mismatch_refused);
    CPPUNIT_TEST(runtime_unload_refused_while_in_use);
    CPPUNIT_TEST(runtime_unload_refused_while_optional_user_loaded);
    CPPUNIT_TEST(runtime_unload_refused_while_busy);
    CPPUNIT_TEST(reload_calls_module);
    CPPUNIT_TEST(unknown_keyword_names_line);
    CPPUNIT_TEST_SUITE_END();

    event_base *base_ = nullptr;
    std::unique_ptr<CoreHost> host_;
    std::vector<std::string> trace_;

public:
    void setUp() override {
        base_ = event_base_new();
        host_ = std::make_unique<CoreHost>(base_, "/nonexistent", "/tmp", "test", Config());
        trace_.clear();
        host_->provide("trace", &trace_);
    }
    void tearDown() override {
        host_.reset();
        event_base_free(base_);
    }
    std::unique_ptr<ModuleLoader> loader() {
        return std::make_unique<ModuleLoader>(*host_, std::vector<std::string>{VCE_TEST_MODDIR});
    }
    static Config modules(const std::string &body) {
        return Config::parse("[modules]\n" + body, "modules.conf");
    }

    void order_requirements_then_priority() {
        ModulePlan p = plan_module_order({{"chan_sip", 10, {"res_pgsql"}, {}},
                                          {"res_pgsql", 50, {}, {}},
                                          {"app_route", 0, {}, {}}});
        std::vector<std::string> want = {"app_route", "res_pgsql", "chan_sip"};
        CPPUNIT_ASSERT(p.order == want);
        CPPUNIT_ASSERT(p.refused.empty());
    }
    void order_missing_requirement_refused_transitively() {
        ModulePlan p =
            plan_module_order({{"b", 0, {"a"}, {}}, {"c", 0, {"b"}, {}}, {"d", 0, {}, {}}});
        CPPUNIT_ASSERT_EQUAL(size_t(1), p.order.size());
        CPPUNIT_ASSERT_EQUAL(std::string("requires a, which is not available"), p.refused["b"]);
        CPPUNIT_ASSERT(p.refused["c"].find("requires b, which cannot load") == 0);
    }
    void order_cycle_refused() {
        ModulePlan p =
            plan_module_order({{"x", 0, {"y"}, {}}, {"y", 0, {"x"}, {}}, {"z", 0, {}, {}}});
        CPPUNIT_ASSERT(p.order == std::vector<std::string>{"z"});
        CPPUNIT_ASSERT(p.refused["x"].find("requirement cycle") == 0);
    }
    void order_optional_does_not_block() {
        ModulePlan p =
            plan_module_order({{"a", 0, {}, {"b"}}, {"b", 9, {}, {}}, {"c", 0, {}, {"missing"}}});
        std::vector<std::string> want = {"c", "b", "a"};
        CPPUNIT_ASSERT(p.order == want);
    }
    void load_order_and_reverse_unload() {
        auto l = loader();
        // tm_b has the lower priority but requires tm_a, so tm_a loads first.
        CPPUNIT_ASSERT_EQUAL(
            std::string(""),
            l->load_configured(modules("load => tm_b.so\nload => tm_a.so\nload => tm_c\n")));
        std::vector<std::string> want = {"load tm_c", "load tm_a", "load tm_b"};
        CPPUNIT_ASSERT(trace_ == want);
        trace_.clear();
        l->unload_all();
        want = {"unload tm_b", "unload tm_a", "unload tm_c"};
        CPPUNIT_ASSERT(trace_ == want);
    }
    void decline_passed_to_dependents() {
        auto l = loader();
        CPPUNIT_ASSERT_EQUAL(std::string(""),
                             l->load_configured(modules(
                                 "load => tm_decline\nload => tm_after_decline\nload => tm_a\n")));
        CPPUNIT_ASSERT(l->loaded("tm_a"));
        CPPUNIT_ASSERT(!l->loaded("tm_decline"));
        CPPUNIT_ASSERT(!l->loaded("tm_after_decline"));
        CPPUNIT_ASSERT(trace_ == std::vector<std::string>{"load tm_a"});
    }
    void required_module_failure_is_fatal() {
        auto l = loader();
        std::string err =
            l->load_configured(modules("require => tm_after_decline\nload => tm_decline\n"));
        CPPUNIT_ASSERT_MESSAGE(
            err, err.find("required module tm_after_decline failed to load: requires tm_decline, "
                          "which did not load (no hardware found)") == 0);
    }
    void abi_mismatch_refused() {
        auto l = loader();
        std::string err = l->load("tm_badabi");
        CPPUNIT_ASSERT_MESSAGE(
            err, err.find("was built for module ABI 999, this vced has ABI") != std::string::npos);
        err = l->load_configured(modules("require => tm_badabi\n"));
        CPPUNIT_ASSERT_MESSAGE(err, err.find("rebuild the module") != std::string::npos);
        err = l->load("no_such_module");
        CPPUNIT_ASSERT_MESSAGE(err, err.find("module no_such_module.so not found in") == 0);
    }
    void runtime_unload_refused_while_in_use() {
        auto l = loader();
        CPPUNIT_ASSERT_EQUAL(
            std::string("module tm_b requires tm_a, which is not loaded; load it first"),
            l->load("tm_b"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), l->load("tm_a"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), l->load("tm_b"));
        CPPUNIT_ASSERT_EQUAL(
            std::string("module tm_a is in use by tm_b (which requires it); unload tm_b first"),
            l->unload("tm_a"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), l->unload("tm_b"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), l->unload("tm_a"));
        CPPUNIT_ASSERT_EQUAL(std::string("module tm_a is not loaded"), l->unload("tm_a"));
    }
    // A module that took another's services because they were there (optional) holds their
    // pointers as surely as one that required them.
    void runtime_unload_refused_while_optional_user_loaded() {
        auto l = loader();
        CPPUNIT_ASSERT_EQUAL(std::string(""), l->load("tm_a"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), l->load("tm_opt"));
        CPPUNIT_ASSERT_EQUAL(std::string("module tm_a is in use by tm_opt (which uses its service "
                                         "svc_a); unload tm_opt first"),
                             l->unload("tm_a"));
        CPPUNIT_ASSERT(l->loaded("tm_a"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), l->unload("tm_opt"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), l->unload("tm_a"));
        // Optional only for its order (no service of tm_c is held): the unload goes ahead.
        CPPUNIT_ASSERT_EQUAL(std::string(""), l->load("tm_c"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), l->load("tm_opt_c"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), l->unload("tm_c"));
    }
    void runtime_unload_refused_while_busy() {
        auto l = loader();
        std::string busy = "2 calls in progress";
        host_->provide<std::string>("busy", &busy);
        CPPUNIT_ASSERT_EQUAL(std::string(""), l->load("tm_c"));
        CPPUNIT_ASSERT_EQUAL(
            std::string("module tm_c is busy: 2 calls in progress; try again when it is idle"),
            l->unload("tm_c"));
        CPPUNIT_ASSERT(l->loaded("tm_c"));
        busy.clear();
        CPPUNIT_ASSERT_EQUAL(std::string(""), l->unload("tm_c"));
        host_->withdraw("busy");
    }
    void reload_calls_module() {
        auto l = loader();
        l->load("tm_c");
        CPPUNIT_ASSERT_EQUAL(std::string(""), l->reload("tm_c"));
        CPPUNIT_ASSERT_EQUAL(std::string("reload tm_c"), trace_.back());
    }
    void unknown_keyword_names_line() {
        auto l = loader();
        try {
            l->load_configured(modules("load => tm_a\nlaod => tm_b\n"));
            CPPUNIT_FAIL("typo accepted");
        } catch (const ConfigError &e) {
            CPPUNIT_ASSERT_EQUAL(
                std::string("modules.conf:3: unknown keyword 'laod' in [modules]; expected load, "
                            "noload or require"),
                std::string(e.what()));
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ModuleLoaderTest);
