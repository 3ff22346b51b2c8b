/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of lrs/common.h: error records. */
#include "harness.h"
#include "lrs/common.h"

static void test_err_set_fills_record(void)
{
    lrs_err_t e;
    lrs_err_clear(&e);
    int rc = lrs_err_set(&e, LRS_EINVAL, "W is %dx%d; expected square", 200, 199);
    CHECK(rc == LRS_EINVAL, "return code %d", rc);
    CHECK(e.code == LRS_EINVAL, "code %d", e.code);
    CHECK(strcmp(e.msg, "W is 200x199; expected square") == 0, "msg '%s'", e.msg);
    CHECK(lrs_err_set(NULL, LRS_ENOMEM, "x") == LRS_ENOMEM, "NULL err must be accepted");
    lrs_err_clear(NULL);
}

int main(void)
{
    RUN(test_err_set_fills_record);
    return harness_summary();
}
