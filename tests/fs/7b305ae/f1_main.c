// SPDX-License-Identifier: MIT
/* Runs only test_f1_stale_forget of tests/fs/test_fs.c (built with
 * -Dmain=test_fs_main, so the file stays HEAD's). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

int test_fs_main(void);

int main(void)
{
	cmocka_set_test_filter("test_f1_stale_forget");
	return test_fs_main();
}
