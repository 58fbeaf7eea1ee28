/*
 * fail_demo: a test that fails on purpose. Built into the test image only
 * with `make test FAIL_DEMO=1`, to show that a failing test fails the run.
 */
#include <agora_test.h>

int main(void)
{
    t_begin("fail_demo");
    T_EQ(1 + 1, 3, "one plus one is three (fails on purpose)");
    return t_end();
}
