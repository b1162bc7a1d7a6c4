// chan_sip's one in-dialog answering rule, from a table.
#include <cppunit/extensions/HelperMacros.h>

#include "modules/chan_sip/InDialogRule.h"

using namespace vce::sip;

class ChanSipInDialogRuleTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ChanSipInDialogRuleTest);
    CPPUNIT_TEST(answersFromTable);
    CPPUNIT_TEST_SUITE_END();

public:
    void answersFromTable() {
        struct Row {
            sip_method_t method;
            int status;
            bool ends;
        };
        const Row rows[] = {
            {sip_method_bye, 200, true},      {sip_method_ack, 0, false},
            {sip_method_invite, 488, false},  {sip_method_update, 488, false},
            {sip_method_options, 200, false}, {sip_method_info, 200, false},
            {sip_method_refer, 405, false},   {sip_method_message, 405, false},
            {sip_method_notify, 405, false},
        };
        for (const Row &r : rows) {
            InDialogAnswer a = in_dialog_answer(r.method);
            CPPUNIT_ASSERT_EQUAL(r.status, a.status);
            CPPUNIT_ASSERT_EQUAL(r.ends, a.ends_call);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChanSipInDialogRuleTest);
